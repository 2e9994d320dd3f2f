// Corrections: posted as JSON with X-Requested-With (a cross-site form cannot do that without a CORS
// preflight, which this app never grants). The analyst's name is remembered in localStorage.
(function () {
  "use strict";
  var analyst = document.getElementById("analyst");
  if (analyst) {
    analyst.value = localStorage.getItem("threatscorer.analyst") || "";
    analyst.addEventListener("change", function () { localStorage.setItem("threatscorer.analyst", analyst.value.trim()); });
  }

  document.querySelectorAll("form.correction").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var author = analyst ? analyst.value.trim() : "";
      if (!author) { alert("Enter your name in the Analyst box first."); if (analyst) { analyst.focus(); } return; }
      localStorage.setItem("threatscorer.analyst", author);
      var body = {
        field: form.dataset.field,
        actor_id: form.dataset.actor || null,
        value: form.elements.value.value,
        comment: form.elements.comment ? form.elements.comment.value : null,
        author: author
      };
      fetch("/api/articles/" + encodeURIComponent(form.dataset.article) + "/corrections", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Requested-With": "threatscorer" },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (response.ok) { window.location.reload(); return; }
        return response.json().then(function (problem) { alert("Not saved: " + (problem.error || response.status)); });
      });
    });
  });
})();
