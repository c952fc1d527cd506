//! What `FileStore` does with paths that are not plain files: links, planted lock links,
//! devices and fifos, a lock held by another writer, and a first change that is
//! refused. Each case checks the outcome and that nothing else on disk changed.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use checklist_md::store::FileStore;
use checklist_md::{Actor, Spec, Status, Store, StoreError, UpdateError};

fn spec(tasks: usize) -> Arc<Spec> {
    let mut md = String::from("# Links\n\n");
    for i in 0..tasks {
        md.push_str(&format!("- [ ] Task {i}\n"));
    }
    Arc::new(Spec::parse(&md).unwrap())
}

fn task(spec: &Spec, i: usize) -> checklist_md::ItemIndex {
    spec.index_of(&format!("task-{i}")).unwrap()
}

/// Every entry of a directory, sorted, with what it is.
fn listing(dir: &Path) -> Vec<(String, &'static str)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let kind = if t.is_symlink() {
                "link"
            } else if t.is_dir() {
                "dir"
            } else {
                "file"
            };
            (e.file_name().to_string_lossy().into_owned(), kind)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_state_path_that_is_a_link_writes_through_to_its_target_and_locks_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    let real = dir.path().join("shared/real.json");
    let link = dir.path().join("s.json");
    symlink("shared/real.json", &link).unwrap();
    let spec = spec(40);
    let by_link = FileStore::new(&link);
    let by_target = FileStore::new(&real);
    assert_eq!(
        by_link.real_path().unwrap(),
        dir.path().join("shared/real.json")
    );

    // Two writers, one per name, 20 updates each at the same time: they exclude each
    // other, so nothing is lost.
    std::thread::scope(|scope| {
        for (w, store) in [(0, &by_link), (1, &by_target)] {
            let spec = &spec;
            scope.spawn(move || {
                let actor = Actor::new(format!("writer-{w}"));
                for k in 0..20 {
                    let item = task(spec, 2 * k + w);
                    store.update(spec, |s| s.complete(item, &actor)).unwrap();
                }
            });
        }
    });
    let state = by_link.load(&spec).unwrap().state;
    assert_eq!(state.revision(), 40);
    assert!(state.items().iter().all(|s| s.status() == Status::Done));
    assert_eq!(by_target.load(&spec).unwrap().state, state);
    // The link is still a link; the lock sits beside the real file only.
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        listing(dir.path()),
        [("s.json".into(), "link"), ("shared".into(), "dir")]
    );
    assert_eq!(
        listing(&dir.path().join("shared")),
        [
            ("real.json".into(), "file"),
            ("real.json.lock".into(), "file")
        ]
    );
}

#[test]
fn a_dangling_link_creates_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("s.json");
    symlink("target.json", &link).unwrap();
    let spec = spec(1);
    let store = FileStore::new(&link);
    store
        .update(&spec, |s| s.complete(task(&spec, 0), &Actor::new("ann")))
        .unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(dir.path().join("target.json").is_file());
}

#[test]
fn a_planted_lock_link_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let state = dir.path().join("s.json");
    symlink(&victim, dir.path().join("s.json.lock")).unwrap();
    let before = std::fs::metadata(&victim).unwrap().modified().unwrap();
    let spec = spec(1);
    let err = FileStore::new(&state)
        .update(&spec, |s| s.complete(task(&spec, 0), &Actor::new("ann")))
        .unwrap_err();
    let message = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(message.contains("symbolic link"), "{message}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        std::fs::metadata(&victim).unwrap().modified().unwrap(),
        before
    );
    assert!(!state.exists(), "nothing was written");
    assert_eq!(
        listing(dir.path()),
        [
            ("s.json.lock".into(), "link"),
            ("victim.txt".into(), "file")
        ]
    );
}

#[test]
fn a_refused_first_change_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let spec = spec(1);
    let store = FileStore::new(&state);
    let refused = store.update(&spec, |s| {
        s.complete(task(&spec, 0), &Actor::new("ann"))?;
        s.complete(task(&spec, 0), &Actor::new("ann"))
    });
    assert!(matches!(refused, Err(UpdateError::Refused(_))));
    // And a change that changes nothing.
    store.update(&spec, |_| Ok::<_, ()>(())).unwrap();
    assert_eq!(listing(dir.path()), []);
    // The first change that goes through creates the file (and its lock).
    store
        .update(&spec, |s| s.complete(task(&spec, 0), &Actor::new("ann")))
        .unwrap();
    assert_eq!(
        listing(dir.path()),
        [("s.json".into(), "file"), ("s.json.lock".into(), "file")]
    );
}

#[test]
fn a_state_path_that_is_a_device_or_a_fifo_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("s.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let spec = spec(1);
    let mut paths = vec![std::path::PathBuf::from("/dev/zero")];
    if made.is_ok_and(|s| s.success()) {
        paths.push(fifo.clone());
    } else {
        eprintln!("mkfifo is not available: the fifo case is skipped");
    }
    for path in paths {
        let store = FileStore::new(&path);
        let started = std::time::Instant::now();
        match store.load(&spec) {
            Err(StoreError::Io { what, .. }) => assert!(what.contains("not a regular file")),
            other => panic!("{}: {other:?}", path.display()),
        }
        match store.update(&spec, |s| s.complete(task(&spec, 0), &Actor::new("ann"))) {
            Err(UpdateError::Store(StoreError::Io { what, .. })) => {
                assert!(what.contains("not a regular file"))
            }
            other => panic!("{}: {other:?}", path.display()),
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // The fifo is still a fifo.
    if fifo.exists() {
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
}

#[test]
fn a_writer_says_it_waits_and_gives_up_after_its_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let spec = spec(2);
    let holder = FileStore::new(&state);
    holder
        .update(&spec, |s| s.complete(task(&spec, 0), &Actor::new("ann")))
        .unwrap();
    let before = std::fs::read(&state).unwrap();
    let told: Arc<Mutex<Vec<String>>> = Arc::default();
    let (started, release) = (std::sync::Barrier::new(2), std::sync::Barrier::new(2));
    std::thread::scope(|scope| {
        // Holds the lock (inside its transaction) until the waiter has given up.
        scope.spawn(|| {
            holder
                .update(&spec, |_| {
                    started.wait();
                    release.wait();
                    Ok::<_, ()>(())
                })
                .unwrap();
        });
        started.wait();
        let told2 = told.clone();
        let waiter = FileStore::new(&state).with_lock_wait(
            Duration::from_millis(1500),
            Some(Arc::new(move |lock: &Path| {
                told2.lock().unwrap().push(lock.display().to_string())
            })),
        );
        let t0 = std::time::Instant::now();
        let result = waiter.update(&spec, |s| s.complete(task(&spec, 1), &Actor::new("bob")));
        let waited = t0.elapsed();
        release.wait();
        match result {
            Err(UpdateError::Store(StoreError::Busy { lock, .. })) => {
                assert!(lock.ends_with("s.json.lock"))
            }
            other => panic!("{other:?}"),
        }
        assert!(waited >= Duration::from_millis(1500), "{waited:?}");
    });
    let told = told.lock().unwrap();
    assert_eq!(told.len(), 1, "said once that it waits");
    assert!(told[0].ends_with("s.json.lock"));
    assert_eq!(std::fs::read(&state).unwrap(), before, "nothing written");
}
