use checklist_md::checklist;

// tests/ui.rs copies the fixtures next to trybuild's crate, to the same relative path.
checklist!(pub Release, "tests/ui/fixtures/unclosed-attribute.md");

fn main() {
    // Only the Markdown error is reported: the rest of the checklist still expands.
    let _ = Release::items().checks.tests_pass;
}
