use checklist::checklist;

// trybuild compiles this file from target/tests/trybuild/checklist, which is the
// CARGO_MANIFEST_DIR the macro sees; the path climbs back to the repository.
checklist!(pub Release, "../../../../tests/ui/fixtures/unclosed-attribute.md");

fn main() {
    // Only the Markdown error is reported: the rest of the checklist still expands.
    let _ = Release::items().checks.tests_pass;
}
