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
    ];
}

/// <summary>Read access to a shipped migration's SQL, for upgrade tests that build an old database.</summary>
internal static class SqliteMigrationsAccess
{
    public static string Sql(int version) => SqliteMigrations.All.Single(m => m.Version == version).Sql;
}
