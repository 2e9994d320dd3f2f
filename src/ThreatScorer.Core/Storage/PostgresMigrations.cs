namespace ThreatScorer.Core.Storage;

/// <summary>
/// The PostgreSQL schema of the scoring store, as an ordered list of migrations (never edited once shipped). It
/// holds what the SQLite schema's scoring tables hold, with native types (timestamptz, double precision) and the
/// claim columns from the start; the review tables (corrections, alerts, feeds) stay on SQLite for now.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "articles with claims, assessments, actor stances, threat kinds, relations, inbox files", """
            CREATE TABLE articles (
                id            text PRIMARY KEY,
                version       integer NOT NULL DEFAULT 1,
                dedupe_key    text NOT NULL UNIQUE,
                content_hash  text NOT NULL,
                external_id   text,
                title         text,
                text          text,
                url           text,
                source        text,
                language      text,
                published_at  timestamptz,
                source_path   text NOT NULL,
                source_line   integer,
                ingested_at   timestamptz NOT NULL,
                updated_at    timestamptz NOT NULL,
                status        text NOT NULL CHECK (status IN ('new', 'scored', 'rejected', 'failed')),
                reason        text,
                attempts      integer NOT NULL DEFAULT 0,
                last_error    text,
                scored_at     timestamptz,
                claimed_by    text,
                lease_until   timestamptz,
                scored_by     text,
                save_count    integer NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_articles_status_ingested ON articles (status, ingested_at);
            CREATE INDEX ix_articles_source ON articles (source_path, source_line);
            CREATE INDEX ix_articles_claimable ON articles (ingested_at, id) WHERE status = 'new';
            CREATE INDEX ix_articles_claimed_by ON articles (claimed_by) WHERE claimed_by IS NOT NULL;

            CREATE TABLE assessments (
                article_id       text NOT NULL REFERENCES articles (id),
                article_version  integer NOT NULL,
                model_version    text NOT NULL,
                scored_at        timestamptz NOT NULL,
                sentiment_label  text NOT NULL,
                sentiment_score  double precision NOT NULL,
                threat_level     text,
                threat_score     double precision,
                top_kind         text,
                assessment_json  text NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version)
            );
            CREATE INDEX ix_assessments_scored ON assessments (scored_at);
            CREATE INDEX ix_assessments_threat ON assessments (threat_level, threat_score);

            CREATE TABLE actor_stances (
                article_id       text NOT NULL,
                article_version  integer NOT NULL,
                model_version    text NOT NULL,
                actor_id         text NOT NULL,
                actor_name       text NOT NULL,
                actor_type       text NOT NULL,
                country          text,
                is_listed        boolean NOT NULL,
                label            text NOT NULL,
                score            double precision NOT NULL,
                mention_count    integer NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version, actor_id),
                FOREIGN KEY (article_id, article_version, model_version)
                    REFERENCES assessments (article_id, article_version, model_version) ON DELETE CASCADE
            );
            CREATE INDEX ix_actor_stances_actor ON actor_stances (actor_id, label);

            CREATE TABLE threat_kinds (
                article_id       text NOT NULL,
                article_version  integer NOT NULL,
                model_version    text NOT NULL,
                kind             text NOT NULL,
                probability      double precision NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version, kind),
                FOREIGN KEY (article_id, article_version, model_version)
                    REFERENCES assessments (article_id, article_version, model_version) ON DELETE CASCADE
            );
            CREATE INDEX ix_threat_kinds_kind ON threat_kinds (kind, probability);

            CREATE TABLE actor_relations (
                article_id       text NOT NULL,
                article_version  integer NOT NULL,
                model_version    text NOT NULL,
                seq              integer NOT NULL,
                subject_id       text NOT NULL,
                object_id        text NOT NULL,
                interaction      text NOT NULL,
                confidence       double precision NOT NULL,
                sentence_index   integer NOT NULL,
                start            integer NOT NULL,
                length           integer NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version, seq),
                FOREIGN KEY (article_id, article_version, model_version)
                    REFERENCES assessments (article_id, article_version, model_version) ON DELETE CASCADE
            );
            CREATE INDEX ix_actor_relations_subject ON actor_relations (subject_id, interaction);
            CREATE INDEX ix_actor_relations_object ON actor_relations (object_id, interaction);

            CREATE TABLE inbox_files (
                path         text PRIMARY KEY,
                size         bigint NOT NULL,
                modified_at  timestamptz NOT NULL,
                read_at      timestamptz NOT NULL
            );
            """),
    ];
}
