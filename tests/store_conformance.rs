//! The store conformance suite on the stores this crate ships.

use checklist_md::store::conformance::{self, Subject};
use checklist_md::store::{FileStore, MemoryStore};

#[test]
fn the_file_store_keeps_every_promise() {
    let dirs = std::sync::Mutex::new(Vec::new());
    let open = || {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("state.json"));
        dirs.lock().unwrap().push(dir);
        store
    };
    let report = conformance::run(&Subject {
        name: "file",
        open: &open,
        tamper: &|store: &FileStore| {
            let json = std::fs::read_to_string(store.path()).unwrap();
            let edited = json.replacen("\"actor\": \"ann\"", "\"actor\": \"eve\"", 1);
            assert_ne!(edited, json);
            std::fs::write(store.path(), edited).unwrap();
        },
        writers: 4,
        updates_per_writer: 25,
    });
    assert_eq!(report.checks.len(), conformance::CHECKS);
}

#[test]
fn the_memory_store_keeps_every_promise() {
    let report = conformance::run(&Subject {
        name: "memory",
        open: &MemoryStore::new,
        tamper: &|store: &MemoryStore| {
            let json = store.json().unwrap();
            store.set_json(Some(json.replacen(
                "\"actor\": \"ann\"",
                "\"actor\": \"eve\"",
                1,
            )));
        },
        writers: 4,
        updates_per_writer: 25,
    });
    assert_eq!(report.checks.len(), conformance::CHECKS);
}

#[test]
#[should_panic(expected = "a stale save must conflict")]
fn the_suite_catches_a_store_that_loses_updates() {
    /// Saves whatever it is given: the last writer wins.
    #[derive(Default)]
    struct Careless(MemoryStore);
    impl checklist_md::Store for Careless {
        fn location(&self) -> String {
            "careless".into()
        }
        fn load(
            &self,
            spec: &std::sync::Arc<checklist_md::Spec>,
        ) -> Result<checklist_md::Loaded, checklist_md::StoreError> {
            self.0.load(spec)
        }
        fn save(
            &self,
            state: &checklist_md::State,
            _expected: Option<u64>,
        ) -> Result<(), checklist_md::StoreError> {
            self.0.set_json(Some(state.to_json()));
            Ok(())
        }
    }
    conformance::run(&Subject {
        name: "careless",
        open: &Careless::default,
        tamper: &|_: &Careless| {},
        writers: 2,
        updates_per_writer: 5,
    });
}
