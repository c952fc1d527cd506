#![deny(missing_docs, warnings)]
//! The gated reference checklist compiles, with its `deploy` gate typed.

use checklist_md::{checklist, Actor};

checklist!(
    /// The production deployment checklist with a deploy gate.
    pub Gated, "examples/checklists/production-deployment-gated.md"
);

fn main() {
    let mut run = Gated::new_state();
    let date = checklist_md::chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    run.fill(Gated::items().deployment_date.scheduled_date, &Actor::new("ops"), date)
        .unwrap();
    assert!(!run.evaluate(Gated::gates().deploy).passed);
}
