#![deny(missing_docs, warnings)]
//! The facade under another name: `#[checklist(crate = "...")]` tells the macro the path.

extern crate checklist_md as cl;

cl::checklist!(
    #[checklist(crate = "::cl")]
    /// Released under another name.
    pub Release, inline "- [ ] Tests pass\n"
);

fn main() {
    let mut run = Release::new_state();
    run.complete(Release::items().tests_pass, &cl::Actor::new("ci"))
        .unwrap();
    let _: &cl::Spec = Release::spec();
}
