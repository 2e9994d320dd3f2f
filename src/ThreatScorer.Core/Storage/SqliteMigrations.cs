namespace ThreatScorer.Core.Storage;

/// <summary>
/// The SQLite schema, as an ordered list of migrations. A migration is never edited once shipped: a change
/// is a new entry, so every existing database can be brought forward.
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "articles, assessments, actor stances, inbox files", """
            CREATE TABLE articles (
                id            TEXT PRIMARY KEY,
                version       INTEGER NOT NULL DEFAULT 1,
                dedupe_key    TEXT NOT NULL UNIQUE,
                content_hash  TEXT NOT NULL,
                external_id   TEXT,
                title         TEXT,
                text          TEXT,
                url           TEXT,
                source        TEXT,
                language      TEXT,
                published_at  TEXT,
                source_path   TEXT NOT NULL,
                source_line   INTEGER,
                ingested_at   TEXT NOT NULL,
                updated_at    TEXT NOT NULL,
                status        TEXT NOT NULL CHECK (status IN ('new', 'scored', 'rejected', 'failed')),
                reason        TEXT,
                attempts      INTEGER NOT NULL DEFAULT 0,
                last_error    TEXT,
                scored_at     TEXT
            );
            CREATE INDEX ix_articles_status_ingested ON articles (status, ingested_at);
            CREATE INDEX ix_articles_source ON articles (source_path, source_line);

            CREATE TABLE assessments (
                article_id       TEXT NOT NULL REFERENCES articles (id),
                article_version  INTEGER NOT NULL,
                model_version    TEXT NOT NULL,
                scored_at        TEXT NOT NULL,
                sentiment_label  TEXT NOT NULL,
                sentiment_score  REAL NOT NULL,
                threat_level     TEXT,
                threat_score     REAL,
                assessment_json  TEXT NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version)
            );
            CREATE INDEX ix_assessments_scored ON assessments (scored_at);

            CREATE TABLE actor_stances (
                article_id       TEXT NOT NULL,
                article_version  INTEGER NOT NULL,
                model_version    TEXT NOT NULL,
                actor_id         TEXT NOT NULL,
                actor_name       TEXT NOT NULL,
                actor_type       TEXT NOT NULL,
                country          TEXT,
                is_listed        INTEGER NOT NULL,
                label            TEXT NOT NULL,
                score            REAL NOT NULL,
                mention_count    INTEGER NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version, actor_id),
                FOREIGN KEY (article_id, article_version, model_version)
                    REFERENCES assessments (article_id, article_version, model_version)
            );
            CREATE INDEX ix_actor_stances_actor ON actor_stances (actor_id, label);

            CREATE TABLE inbox_files (
                path         TEXT PRIMARY KEY,
                size         INTEGER NOT NULL,
                modified_at  TEXT NOT NULL,
                read_at      TEXT NOT NULL
            );
            """),
        (2, "threat framing: top kind, kind probabilities, actor relations", """
            ALTER TABLE assessments ADD COLUMN top_kind TEXT;
            CREATE INDEX ix_assessments_threat ON assessments (threat_level, threat_score);

            CREATE TABLE threat_kinds (
                article_id       TEXT NOT NULL,
                article_version  INTEGER NOT NULL,
                model_version    TEXT NOT NULL,
                kind             TEXT NOT NULL,
                probability      REAL NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version, kind),
                FOREIGN KEY (article_id, article_version, model_version)
                    REFERENCES assessments (article_id, article_version, model_version)
            );
            CREATE INDEX ix_threat_kinds_kind ON threat_kinds (kind, probability);

            CREATE TABLE actor_relations (
                article_id       TEXT NOT NULL,
                article_version  INTEGER NOT NULL,
                model_version    TEXT NOT NULL,
                seq              INTEGER NOT NULL,
                subject_id       TEXT NOT NULL,
                object_id        TEXT NOT NULL,
                interaction      TEXT NOT NULL,
                confidence       REAL NOT NULL,
                sentence_index   INTEGER NOT NULL,
                start            INTEGER NOT NULL,
                length           INTEGER NOT NULL,
                PRIMARY KEY (article_id, article_version, model_version, seq),
                FOREIGN KEY (article_id, article_version, model_version)
                    REFERENCES assessments (article_id, article_version, model_version)
            );
            CREATE INDEX ix_actor_relations_subject ON actor_relations (subject_id, interaction);
            CREATE INDEX ix_actor_relations_object ON actor_relations (object_id, interaction);
            """),
        (3, "analyst review: current assessment per article, corrections, filter indexes", """
            -- One row per scored article naming its current assessment (latest version, latest score), with the
            -- columns the review list filters and sorts on, so a page over 100k+ articles is an index range scan.
            CREATE TABLE review_current (
                article_id       TEXT PRIMARY KEY,
                article_version  INTEGER NOT NULL,
                model_version    TEXT NOT NULL,
                scored_at        TEXT NOT NULL,
                sort_date        TEXT NOT NULL,
                threat_level     TEXT,
                threat_score     REAL NOT NULL,
                top_kind         TEXT,
                source           TEXT,
                language         TEXT
            );
            CREATE INDEX ix_review_current_date ON review_current (sort_date, article_id);
            CREATE INDEX ix_review_current_score ON review_current (threat_score, article_id);
            CREATE INDEX ix_review_current_level ON review_current (threat_level, sort_date);
            CREATE INDEX ix_review_current_kind ON review_current (top_kind, sort_date);
            CREATE INDEX ix_review_current_source ON review_current (source, sort_date);
            CREATE INDEX ix_review_current_language ON review_current (language, sort_date);
            CREATE INDEX ix_actor_stances_actor_article ON actor_stances (actor_id, article_id, label);

            INSERT INTO review_current (article_id, article_version, model_version, scored_at, sort_date, threat_level,
                threat_score, top_kind, source, language)
            SELECT s.article_id, s.article_version, s.model_version, s.scored_at, COALESCE(a.published_at, a.ingested_at),
                s.threat_level, COALESCE(s.threat_score, 0), s.top_kind, a.source, a.language
            FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY article_version DESC, scored_at DESC) AS rn
                  FROM assessments) s
            JOIN articles a ON a.id = s.article_id
            WHERE s.rn = 1;

            -- Kept current by the store's own insert, so the scoring path needs no change.
            CREATE TRIGGER tr_assessments_review_current AFTER INSERT ON assessments
            BEGIN
                INSERT INTO review_current (article_id, article_version, model_version, scored_at, sort_date, threat_level,
                    threat_score, top_kind, source, language)
                SELECT NEW.article_id, NEW.article_version, NEW.model_version, NEW.scored_at,
                    COALESCE(a.published_at, a.ingested_at), NEW.threat_level, COALESCE(NEW.threat_score, 0), NEW.top_kind,
                    a.source, a.language
                FROM articles a WHERE a.id = NEW.article_id
                ON CONFLICT (article_id) DO UPDATE SET
                    article_version = excluded.article_version, model_version = excluded.model_version,
                    scored_at = excluded.scored_at, sort_date = excluded.sort_date, threat_level = excluded.threat_level,
                    threat_score = excluded.threat_score, top_kind = excluded.top_kind, source = excluded.source,
                    language = excluded.language
                WHERE excluded.article_version > review_current.article_version
                   OR (excluded.article_version = review_current.article_version AND excluded.scored_at >= review_current.scored_at);
            END;

            -- Analysts' corrections, kept apart from machine scores: who said what, when, about which version.
            CREATE TABLE corrections (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                article_id       TEXT NOT NULL REFERENCES articles (id),
                article_version  INTEGER NOT NULL,
                field            TEXT NOT NULL CHECK (field IN ('threat_level', 'threat_kinds', 'actor_stance')),
                actor_id         TEXT,
                value            TEXT NOT NULL,
                comment          TEXT,
                author           TEXT NOT NULL,
                created_at       TEXT NOT NULL,
                CHECK ((field = 'actor_stance') = (actor_id IS NOT NULL))
            );
            CREATE INDEX ix_corrections_article ON corrections (article_id, field, actor_id, id);
            CREATE INDEX ix_corrections_created ON corrections (created_at);
            """),
        (4, "alerts: rules and webhook deliveries", """
            CREATE TABLE alert_rules (
                id                INTEGER PRIMARY KEY AUTOINCREMENT,
                name              TEXT NOT NULL,
                min_threat_score  REAL,
                min_level         TEXT CHECK (min_level IN ('none', 'low', 'elevated', 'high')),
                kind              TEXT,
                actor_id          TEXT,
                stance            TEXT CHECK (stance IN ('negative', 'neutral', 'positive')),
                webhook_url       TEXT NOT NULL,
                cooldown_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (cooldown_seconds >= 0),
                enabled           INTEGER NOT NULL DEFAULT 1,
                created_at        TEXT NOT NULL,
                updated_at        TEXT NOT NULL
            );

            -- One row per (rule, article version): the UNIQUE key is the dedupe, so a re-score or a second look at
            -- the same article never alerts twice. Suppressed rows record matches inside the rule's cooldown.
            CREATE TABLE alert_deliveries (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                rule_id          INTEGER NOT NULL REFERENCES alert_rules (id),
                article_id       TEXT NOT NULL REFERENCES articles (id),
                article_version  INTEGER NOT NULL,
                status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
                attempts         INTEGER NOT NULL DEFAULT 0,
                last_error       TEXT,
                last_status_code INTEGER,
                next_attempt_at  TEXT,
                payload_json     TEXT NOT NULL,
                created_at       TEXT NOT NULL,
                sent_at          TEXT,
                UNIQUE (rule_id, article_id, article_version)
            );
            CREATE INDEX ix_alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
            CREATE INDEX ix_alert_deliveries_rule ON alert_deliveries (rule_id, status, created_at);
            CREATE INDEX ix_alert_deliveries_created ON alert_deliveries (created_at);
            """),
        (5, "feed sources: watermark, conditional-GET validators, error count", """
            CREATE TABLE feed_sources (
                name            TEXT PRIMARY KEY,
                url             TEXT NOT NULL,
                watermark       TEXT,
                etag            TEXT,
                last_modified   TEXT,
                error_count     INTEGER NOT NULL DEFAULT 0,
                last_error      TEXT,
                last_error_at   TEXT,
                last_fetched_at TEXT,
                last_success_at TEXT
            );
            """),
        (6, "work claiming: claim, lease, scorer, save count", """
            ALTER TABLE articles ADD COLUMN claimed_by TEXT;
            ALTER TABLE articles ADD COLUMN lease_until TEXT;
            ALTER TABLE articles ADD COLUMN scored_by TEXT;
            ALTER TABLE articles ADD COLUMN save_count INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_articles_claimable ON articles (status, lease_until, ingested_at, id);
            CREATE INDEX ix_articles_claimed_by ON articles (claimed_by) WHERE claimed_by IS NOT NULL;
            """),
        (7, "claim index: new articles in claim order (ingested_at, id) without a sort", """
            -- Migration 6's (status, lease_until, ingested_at, id) could not give the claim query its order, so SQLite
            -- read every waiting article through (status, ingested_at) and sorted them. (status, ingested_at, id) is
            -- read in claim order and stops at the batch size; it also serves every query (status, ingested_at) did.
            -- (A partial index (ingested_at, id) WHERE status = 'new' is only chosen once ANALYZE has run.)
            DROP INDEX ix_articles_claimable;
            DROP INDEX ix_articles_status_ingested;
            CREATE INDEX ix_articles_status_ingested_id ON articles (status, ingested_at, id);
            """),
    ];
}

/// <summary>Read access to a shipped migration's SQL, for upgrade tests that build an old database.</summary>
internal static class SqliteMigrationsAccess
{
    public static string Sql(int version) => SqliteMigrations.All.Single(m => m.Version == version).Sql;
}
