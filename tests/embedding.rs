//! What a crate that embeds `checklist` can do with a run: keep it in a struct, return it
//! from a function, move it to another thread, store it through a `Store` of its own
//! (which passes the conformance suite), and drive a typed state through
//! `Store::update`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use checklist_md::store::conformance::{self, Subject};
use checklist_md::store::{FileStore, MemoryStore};
use checklist_md::typed::TypedState;
use checklist_md::{
    Actor, Document, Loaded, Spec, State, StateError, Status, Store, StoreError, UpdateError,
    checklist,
};

checklist!(Release, inline "
# Release

## Checks
- [ ] Tests pass
- [ ] Docs updated (optional)
- [ ] Release Date: ____

## Sign-Off
- [ ] Lead Approval: ____
");

const SOURCE: &str = "# Release\n\n- [ ] Build passes\n- [ ] Tests pass\n";

const _: () = {
    const fn send_sync_static<T: Send + Sync + 'static>() {}
    send_sync_static::<State>();
    send_sync_static::<TypedState<Release>>();
    send_sync_static::<Spec>();
    send_sync_static::<FileStore>();
    send_sync_static::<MemoryStore>();
    send_sync_static::<Box<dyn Store>>();
};

/// A service's shared state: the run lives in a field.
struct Service {
    run: Mutex<State>,
}

fn start_run() -> State {
    // The spec goes in with the state: nothing borrowed outlives this function.
    State::new(Spec::parse(SOURCE).unwrap())
}

#[test]
fn a_run_lives_in_a_struct_and_comes_back_from_a_function() {
    let service = Arc::new(Service {
        run: Mutex::new(start_run()),
    });
    let worker = {
        let service = service.clone();
        std::thread::spawn(move || {
            let mut run = service.run.lock().unwrap();
            let build = run.spec().index_of("build-passes").unwrap();
            run.complete(build, &Actor::new("ci")).unwrap();
        })
    };
    worker.join().unwrap();
    let run = service.run.lock().unwrap();
    assert_eq!(run.get("build-passes").unwrap().status(), Status::Done);
    // A whole state moves to another thread, too.
    let moved = run.clone();
    let revision = std::thread::spawn(move || moved.revision()).join().unwrap();
    assert_eq!(revision, 1);
}

/// A store of the embedder's own: documents in a map, keyed by run. It implements only
/// `load` and `save`; `update` comes from the trait (optimistic, retried on conflict).
#[derive(Clone, Default)]
struct MapStore {
    runs: Arc<Mutex<HashMap<String, String>>>,
    run: String,
}

impl MapStore {
    fn new(run: &str) -> Self {
        MapStore {
            runs: Arc::default(),
            run: run.to_string(),
        }
    }
}

impl Store for MapStore {
    fn location(&self) -> String {
        format!("map#{}", self.run)
    }

    fn load(&self, spec: &Arc<Spec>) -> Result<Loaded, StoreError> {
        let json = self.runs.lock().unwrap().get(&self.run).cloned();
        let Some(json) = json else {
            return Ok(Loaded::fresh(State::new(spec)));
        };
        let error = |source: StateError| StoreError::State {
            location: self.location(),
            source,
        };
        let doc = Document::from_json(&json, &Default::default()).map_err(error)?;
        State::from_document(spec, doc).map_err(error)
    }

    fn save(&self, state: &State, expected: Option<u64>) -> Result<(), StoreError> {
        let mut runs = self.runs.lock().unwrap();
        let found = runs.get(&self.run).map(|json| {
            serde_json::from_str::<serde_json::Value>(json).unwrap()["revision"]
                .as_u64()
                .unwrap()
        });
        if found != expected {
            return Err(StoreError::Conflict {
                location: self.location(),
                expected,
                found: found.unwrap_or(0),
            });
        }
        runs.insert(self.run.clone(), state.to_json());
        Ok(())
    }
}

#[test]
fn a_store_of_ones_own_passes_the_conformance_suite() {
    let report = conformance::run(&Subject {
        name: "map",
        open: &|| MapStore::new("release"),
        tamper: &|store: &MapStore| {
            let mut runs = store.runs.lock().unwrap();
            let json = runs.get_mut(&store.run).unwrap();
            *json = json.replacen("\"actor\": \"ann\"", "\"actor\": \"eve\"", 1);
        },
        writers: 4,
        updates_per_writer: 25,
    });
    assert_eq!(report.checks.len(), conformance::CHECKS);
}

#[test]
fn a_typed_state_goes_through_any_store() {
    let items = Release::items();
    let stores: Vec<Box<dyn Store>> = vec![
        Box::new(MemoryStore::new()),
        Box::new(MapStore::new("typed")),
    ];
    for store in &stores {
        let ci = Actor::new("ci");
        TypedState::<Release>::update(store, |run| run.complete(items.checks.tests_pass, &ci))
            .unwrap();
        let date = checklist_md::chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        TypedState::<Release>::update(store, |run| {
            run.skip(
                items.checks.docs_updated,
                &ci,
                Some("no user-facing change"),
            )?;
            run.fill(items.checks.release_date, &ci, date)
        })
        .unwrap();
        // A refused change inside a typed update writes nothing.
        let refused = TypedState::<Release>::update(store, |run| {
            run.approve(items.sign_off.lead_approval, &ci, None)
        });
        assert!(matches!(refused, Err(UpdateError::Refused(_))));
        let (run, loaded) = TypedState::<Release>::load(store).unwrap();
        assert_eq!(loaded.stored_revision, Some(3), "{}", store.location());
        assert_eq!(run.revision(), 3);
        assert_eq!(
            run.signoff(items.sign_off.lead_approval).status(),
            Status::Unsigned
        );
        let lead = Actor::new("lee").with_role("lead");
        TypedState::<Release>::update(store, |run| {
            run.approve(items.sign_off.lead_approval, &lead, None)
        })
        .unwrap();
        let (run, _) = TypedState::<Release>::load(store).unwrap();
        assert!(run.evaluate(Release::gates().complete).passed);
    }
}

#[test]
fn a_typed_state_cannot_be_pointed_at_another_spec() {
    // An equal spec parsed again is still another spec: the typed handles index into
    // `Release::spec()` only.
    let copy = Spec::parse(Release::SOURCE).unwrap();
    assert_eq!(copy.digest(), Release::spec().digest());
    let other = State::new(copy);
    assert!(TypedState::<Release>::from_state(other).is_err());
    let own = State::new(Release::spec());
    assert!(TypedState::<Release>::from_state(own).is_ok());
}

#[test]
fn error_chains_print_each_message_once() {
    fn chain(e: &dyn std::error::Error) -> Vec<String> {
        let mut out = vec![e.to_string()];
        let mut source = e.source();
        while let Some(s) = source {
            out.push(s.to_string());
            source = s.source();
        }
        out
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = Arc::new(Spec::parse(SOURCE).unwrap());
    let path = dir.path().join("state.json");
    let mut state = State::new(&spec);
    let build = spec.index_of("build-passes").unwrap();
    state.complete(build, &Actor::new("ann")).unwrap();
    std::fs::write(&path, state.to_json().replacen("\"ann\"", "\"eve\"", 1)).unwrap();
    let errors: Vec<Box<dyn std::error::Error>> = vec![
        Box::new(FileStore::new(&path).load(&spec).unwrap_err()),
        Box::new(
            FileStore::new(dir.path().join("no/such/dir/state.json"))
                .save(&state, None)
                .unwrap_err(),
        ),
        Box::new(State::from_json(&spec, "{").unwrap_err()),
        Box::new(
            FileStore::new(&path)
                .update(&spec, |s| s.complete(build, &Actor::new("x")))
                .unwrap_err(),
        ),
    ];
    for e in errors {
        let messages = chain(&*e);
        for (i, m) in messages.iter().enumerate() {
            for later in &messages[i + 1..] {
                assert!(
                    !m.contains(later.as_str()),
                    "`{m}` repeats its cause `{later}`"
                );
            }
        }
        assert!(messages.len() <= 3, "{messages:?}");
    }
}
