// Corrections and alert rules: posted as JSON with X-Requested-With (a cross-site form cannot do that without a CORS
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

  // Alerts: rules are added and switched on/off with the same JSON + X-Requested-With writes.
  function send(method, url, body) {
    return fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "X-Requested-With": "threatscorer" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) { window.location.reload(); return; }
      return response.json().then(function (problem) { alert("Not saved: " + (problem.error || response.status)); });
    });
  }

  var ruleForm = document.querySelector("form.alert-rule");
  if (ruleForm) {
    ruleForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = ruleForm.elements;
      var text = function (name) { var v = f.namedItem(name).value.trim(); return v ? v : null; };
      var score = text("min_threat_score");
      var minutes = text("cooldown_minutes");
      send("POST", "/api/alerts/rules", {
        name: f.namedItem("name").value.trim(),
        min_threat_score: score === null ? null : Number(score),
        min_level: text("min_level"),
        kind: text("kind"),
        actor_id: text("actor_id"),
        stance: text("stance"),
        webhook_url: f.namedItem("webhook_url").value.trim(),
        cooldown_seconds: minutes === null ? 0 : Math.round(Number(minutes) * 60)
      });
    });
  }

  document.querySelectorAll("button.rule-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      send("PUT", "/api/alerts/rules/" + encodeURIComponent(button.dataset.rule) + "/enabled", { enabled: button.dataset.enabled === "true" });
    });
  });
})();
