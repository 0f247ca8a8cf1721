//! The schema runner is sqlx's migrator; databases made by rsstreaming's former runner (which
//! kept `schema_migrations`) keep upgrading, on both backends.

use rsstreaming_shared::store::{migrate, Store, StoreError};
use rsstreaming_testkit::TestDb;

async fn versions(store: &Store, sql: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_as::<_, (i64,)>(sql)
        .fetch_all(store.pool())
        .await
        .map(|rows| rows.into_iter().map(|r| r.0).collect())
}

#[tokio::test]
async fn a_database_of_the_former_runner_is_bridged_then_upgraded() {
    for db in TestDb::both().await {
        eprintln!("backend: {}", db.backend);
        let store = Store::connect(&db.url).await.unwrap();
        let embedded = migrate::embedded(store.backend());
        // What the former runner left after applying 0001 only.
        sqlx::raw_sql(&embedded[0].sql)
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL);
             INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial', 1764000000000);",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.add_streamer("legacy", "legacy-key").await.unwrap();
        assert_eq!(store.applied_versions().await.unwrap(), Some(vec![1]));
        assert!(matches!(
            store.require_current_schema().await,
            Err(StoreError::SchemaMissing)
        ));

        let applied: Vec<i64> = store
            .upgrade_schema()
            .await
            .unwrap()
            .iter()
            .map(|m| m.version)
            .collect();
        let all: Vec<i64> = embedded.iter().map(|m| m.version).collect();
        assert_eq!(
            applied,
            all[1..].to_vec(),
            "only the migrations after 0001 ran"
        );
        assert_eq!(
            versions(
                &store,
                "SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version"
            )
            .await
            .unwrap(),
            all
        );
        assert!(
            versions(&store, "SELECT version FROM schema_migrations")
                .await
                .is_err(),
            "the old table is gone"
        );
        let legacy = store.streamer("legacy").await.unwrap().expect("data kept");
        assert!(legacy.key_matches("legacy-key"));
        assert_eq!(
            store.mastodon("legacy").await.unwrap(),
            None,
            "0002 applied"
        );

        assert!(store.upgrade_schema().await.unwrap().is_empty());
        store.require_current_schema().await.unwrap();
        assert!(matches!(
            store.create_schema().await,
            Err(StoreError::SchemaExists)
        ));
        store.close().await;
    }
}

#[tokio::test]
async fn an_applied_migration_whose_file_changed_is_refused() {
    for db in TestDb::both().await {
        let store = Store::connect(&db.url).await.unwrap();
        store.create_schema().await.unwrap();
        sqlx::query("UPDATE _sqlx_migrations SET checksum = ? WHERE version = 1")
            .bind(vec![0u8; 48])
            .execute(store.pool())
            .await
            .unwrap();
        let err = store.upgrade_schema().await.unwrap_err().to_string();
        assert!(
            err.contains("migration 1 was applied from a different file"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn instances_upgrading_together_apply_each_migration_once() {
    let Some(db) = TestDb::mysql().await else {
        return;
    };
    let stores = [
        Store::connect(&db.url).await.unwrap(),
        Store::connect(&db.url).await.unwrap(),
    ];
    let (a, b) = tokio::join!(stores[0].upgrade_schema(), stores[1].upgrade_schema());
    a.unwrap();
    b.unwrap();
    let all: Vec<i64> = migrate::embedded(stores[0].backend())
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(
        versions(
            &stores[0],
            "SELECT version FROM _sqlx_migrations ORDER BY version"
        )
        .await
        .unwrap(),
        all
    );
}
