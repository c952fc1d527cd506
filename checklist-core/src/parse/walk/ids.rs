//! Unique ids: a repeated item or section id gets `-2`, `-3`... with a warning naming
//! both lines (an error in strict mode, or when a pinned id is involved).

use super::*;

impl Walker<'_> {
    /// The id the next item gets, its hash in `item_ids`, and whether it got a suffix:
    /// `id`, or `id-2`, `id-3`... when it is taken. The caller indexes it when it pushes
    /// the item.
    pub(super) fn unique_item_id(
        &mut self,
        id: String,
        pinned: bool,
        location: &Location,
    ) -> (String, u64, bool) {
        let first_pinned = !self.pinned_items.is_empty() && self.pinned_items.contains(&id);
        if pinned {
            self.pinned_items.insert(id.clone());
        }
        let hash = self.item_ids.hash(&id);
        let Some(first) = self.item_ids.get_hashed(&id, hash, &self.items) else {
            return (id, hash, false);
        };
        let first_loc = self.items[first.get()].location.clone();
        let id = self.claim_suffixed(false, &id, |w, candidate| {
            w.item_ids.get(candidate, &w.items).is_none()
        });
        self.repeated(
            "item",
            (pinned, first_pinned),
            &id,
            location,
            first_loc,
            self.items[first.get()].label().to_string(),
        );
        let hash = self.item_ids.hash(&id);
        (id, hash, true)
    }

    /// The id the next section gets, and its hash in `section_ids`, as
    /// [`Walker::unique_item_id`] does for items. The caller indexes it when it pushes the
    /// section.
    pub(super) fn unique_section_id(
        &mut self,
        id: String,
        pinned: bool,
        location: &Location,
    ) -> (String, u64) {
        let first_pinned = !self.pinned_sections.is_empty() && self.pinned_sections.contains(&id);
        if pinned {
            self.pinned_sections.insert(id.clone());
        }
        let hash = self.section_ids.hash(&id);
        let Some(first) = self.section_ids.get_hashed(&id, hash, &self.sections) else {
            return (id, hash);
        };
        let first_loc = self.sections[first.get()].location.clone();
        let id = self.claim_suffixed(true, &id, |w, candidate| {
            w.section_ids.get(candidate, &w.sections).is_none()
        });
        self.repeated(
            "section",
            (pinned, first_pinned),
            &id,
            location,
            first_loc,
            self.sections[first.get()].title.clone(),
        );
        let hash = self.section_ids.hash(&id);
        (id, hash)
    }

    fn claim_suffixed(
        &mut self,
        section: bool,
        id: &str,
        mut claim: impl FnMut(&mut Self, &str) -> bool,
    ) -> String {
        // Ids are never released, so every suffix below the one remembered for `id` is
        // taken: starting there gives the same answer as starting at 2, in linear time.
        let key = (section, id.to_string());
        let mut n = self.next_suffix.get(&key).copied().unwrap_or(2);
        loop {
            let candidate = format!("{id}-{n}");
            if claim(self, &candidate) {
                self.next_suffix.insert(key, n + 1);
                return candidate;
            }
            n += 1;
        }
    }

    fn repeated(
        &mut self,
        what: &str,
        (pinned, first_pinned): (bool, bool),
        new_id: &str,
        location: &Location,
        first: Location,
        first_text: String,
    ) {
        let original = new_id.rsplit_once('-').map_or(new_id, |(a, _)| a);
        let error = self.strict || pinned || first_pinned;
        let code = if error {
            Code::DuplicateId
        } else {
            Code::RepeatedId
        };
        let own = original.rsplit('/').next().unwrap_or(original);
        let message = if pinned {
            format!("the pinned id `{original}` is already used")
        } else if first_pinned {
            format!(
                "the {what} id `{original}` is pinned on line {}, so this {what} cannot have it",
                first.line
            )
        } else if error {
            format!(
                "the {what} id `{original}` on line {} is already used on line {}",
                location.line, first.line
            )
        } else {
            format!(
                "the {what} id `{original}` on line {} is already used on line {}; this one becomes `{new_id}`",
                location.line, first.line
            )
        };
        let help = format!(
            "give one of them its own id with an attribute block, e.g. `{{#{own}-{}}}`",
            if what == "item" { "again" } else { "more" }
        );
        self.diags.push(
            Diagnostic::new(code, location.clone(), message)
                .with_help(help)
                .with_related(first, format!("first used by `{first_text}`")),
        );
    }
}
