//! Items: when a list item's own text ends, decide whether it is a task and what kind,
//! then create it with its id path, parent and ordered-step position.

use super::*;

impl Walker<'_> {
    pub(super) fn finish_item_text(&mut self) {
        let Some(Frame::Item(f)) = self.frames.last_mut() else {
            return;
        };
        f.collecting = false;
        let inline = std::mem::take(&mut f.inline);
        let mut mark = f.mark.take();
        let item_start = f.start;
        let raw_range = inline.range.clone().unwrap_or(item_start..item_start);
        let raw = &self.src[raw_range.clone()];
        let mut text = inline.text;
        if mark.is_none() {
            let after = raw.as_bytes().get(3);
            if raw.starts_with("[~]") && after.is_none_or(|b| b.is_ascii_whitespace()) {
                mark = Some((Mark::NotApplicable, raw_range.start..raw_range.start + 3));
                text = text
                    .strip_prefix("[~]")
                    .unwrap_or(&text)
                    .trim_start()
                    .to_string();
            }
        }
        let Some((mark, box_span)) = mark else {
            // A plain bullet: its text names the group for tasks nested in it.
            if item_text::looks_like_box(raw) {
                let end = raw_range.start + raw.find(']').map_or(1, |i| i + 1);
                self.diag(
                    Code::NotATask,
                    raw_range.start..end,
                    "this list item looks like a task but Markdown does not read it as one".into(),
                    "a box is `[ ]`, `[x]` or `[~]` followed by a space and the text",
                );
            }
            if let Some(Frame::Item(f)) = self.frames.last_mut() {
                f.segment = Some(Segment::Slug(slugify(&text)));
            }
            return;
        };
        let raw_text_range = if box_span.start == raw_range.start {
            // `[~]` is inside the inline text; the rest starts after it.
            (box_span.end).min(raw_range.end)..raw_range.end
        } else {
            raw_range.clone()
        };
        self.record_item(ItemSource {
            start: item_start,
            mark,
            box_span,
            raw: raw_text_range,
            text,
        });
    }

    /// During the walk: what only the open frames know (parent task, grouping bullets,
    /// ordered step, limits), kept in a small record. The item itself is built by
    /// [`Walker::build_items`] once pulldown-cmark's tree is freed, so that the spec and
    /// that tree are never in memory together.
    fn record_item(&mut self, src: ItemSource) {
        if self.recorded >= self.limits.max_items {
            if !self.items_reported {
                self.items_reported = true;
                self.diag(
                    Code::LimitExceeded,
                    src.start..src.start + 1,
                    format!(
                        "the checklist has more than the limit of {} items",
                        self.limits.max_items
                    ),
                    "split the checklist, or raise `Limits::max_items`",
                );
            }
            return;
        }
        if self.frames.len() > self.limits.max_depth {
            return; // reported once when the depth was first exceeded
        }
        // The text as it will be kept: without a trailing attribute block.
        let raw = &self.src[src.raw.clone()];
        let kept = match attributes::find_trailing(raw) {
            Trailing::None => src.text.len(),
            _ => cut_trailing_brace_len(&src.text),
        };
        if kept > self.limits.max_text_bytes {
            self.text_too_long(src.start..src.start + 1, kept);
            return;
        }
        // Path: the nearest enclosing task (whose id holds everything above it), then the
        // grouping bullets between it and this item.
        let mut parent = None;
        let mut groups = Vec::new();
        let last = self.frames.len() - 1;
        for frame in &mut self.frames[..last] {
            let Frame::Item(f) = frame else { continue };
            match &mut f.segment {
                Some(Segment::Item(i)) => {
                    parent = Some(*i);
                    groups.clear();
                }
                // An empty slug (a bullet of punctuation) adds no segment.
                Some(Segment::Slug(slug)) if !slug.is_empty() => {
                    let g = u32::try_from(self.groups.len()).unwrap_or(u32::MAX);
                    self.groups.push(std::mem::take(slug));
                    f.segment = Some(Segment::Group(g));
                    groups.push(g);
                }
                Some(Segment::Group(g)) => groups.push(*g),
                Some(Segment::Slug(_)) | None => {}
            }
        }
        let index = ItemIndex::from_usize(self.recorded);
        let step = self.next_step(index);
        let section = *self
            .section_stack
            .last()
            .unwrap_or(&SectionIndex::from_raw(0));
        // Offsets fit in u32: `parse` refuses inputs of 4 GiB or more.
        let offset = |o: usize| u32::try_from(o).unwrap_or(u32::MAX);
        let record = Record {
            start: offset(src.start),
            box_span: [offset(src.box_span.start), offset(src.box_span.end)],
            raw: [offset(src.raw.start), offset(src.raw.end)],
            mark: src.mark,
            text: src.text.into_boxed_str(),
            section,
            parent,
            groups: groups.into_boxed_slice(),
            step,
        };
        match self.records.last_mut() {
            Some(chunk) if chunk.len() < RECORD_CHUNK => chunk.push(record),
            _ => {
                let mut chunk = Vec::with_capacity(RECORD_CHUNK);
                chunk.push(record);
                self.records.push(chunk);
            }
        }
        self.recorded += 1;
        if let Some(Frame::Item(f)) = self.frames.last_mut() {
            f.item = Some(index);
            f.segment = Some(Segment::Item(index));
        }
    }

    /// After the walk: every record becomes its item, in document order (so a parent's
    /// id is final before its children's, and repeated ids get their suffixes in order).
    pub(super) fn build_items(&mut self) {
        let chunks = std::mem::take(&mut self.records);
        self.items.reserve_exact(self.recorded);
        self.item_ids.reserve(self.recorded);
        // Locations are looked up forward from here.
        self.line_hint.set(1);
        // Each chunk is freed once its items are built, so records and items are never
        // both whole in memory.
        for chunk in chunks {
            for record in chunk {
                self.create_item(record);
            }
        }
    }

    fn create_item(&mut self, record: Record) {
        let Record {
            start,
            box_span,
            raw,
            mark,
            text,
            section,
            parent,
            groups,
            step,
        } = record;
        let src = ItemSource {
            start: start as usize,
            mark,
            box_span: box_span[0] as usize..box_span[1] as usize,
            raw: raw[0] as usize..raw[1] as usize,
            text: text.into_string(),
        };
        let raw = &self.src[src.raw.clone()];
        let mut text = src.text;
        let mut attrs = vec![];
        match attributes::find_trailing(raw) {
            Trailing::Block { range, content } => {
                let abs = src.raw.start + range.start + 1;
                match attributes::parse(content) {
                    Ok(parsed) => {
                        attrs = parsed
                            .into_iter()
                            .map(|a| (a.attribute, abs + a.range.start..abs + a.range.end))
                            .collect();
                    }
                    Err(e) => self.diag(
                        Code::UnreadableAttributes,
                        abs + e.offset..abs + e.offset + 1,
                        format!("cannot read this attribute block: {}", e.message),
                        "write attributes as `{#id .optional .signoff type=date role=sre}`",
                    ),
                }
                cut_trailing_brace(&mut text);
            }
            Trailing::Unclosed { start } => {
                self.unclosed(src.raw.start + start);
                cut_trailing_brace(&mut text);
            }
            Trailing::None => {}
        }
        let shape = item_text::shape(text);
        let item_span = src.start..src.raw.end.max(src.box_span.end);
        let decided = self.decide_kind(&shape, &attrs, section, item_span.clone());
        // Path: section, then every enclosing list item (parent task or grouping bullet),
        // then the item's own segment (its pin, or its label's slug), built in one buffer.
        let section_id = &self.sections[section.get()].id;
        // The id keeps its capacity in the spec, so it is sized to fit: the path so far,
        // then a slug, which for ASCII text is never longer than the label.
        let own_len = decided
            .pin
            .as_ref()
            .map_or(shape.label_end.max(4), String::len);
        let base = match parent {
            Some(p) => &*self.items[p.get()].id,
            None => section_id,
        };
        let groups_len: usize = groups
            .iter()
            .map(|&g| self.groups[g as usize].len() + 1)
            .sum();
        // Built in a buffer reused across items: the spec keeps the id as an `Arc<str>`
        // (events and item states share it), which is one allocation of its exact size.
        let mut id = std::mem::take(&mut self.id_scratch);
        id.clear();
        id.reserve(base.len() + groups_len + 1 + own_len);
        id.push_str(base);
        for &g in groups.iter() {
            push_segment(&mut id, &self.groups[g as usize]);
        }
        if !id.is_empty() {
            id.push('/');
        }
        let own_start = id.len();
        match &decided.pin {
            Some(pin) => id.push_str(pin),
            None => {
                slugify_into(&mut id, shape.label());
                if id.len() == own_start {
                    id.push_str("item");
                }
            }
        }
        if id.len() > self.limits.max_text_bytes {
            // Reported, and the item kept (its index is the record's): the parse fails.
            self.text_too_long(item_span.clone(), id.len());
        }
        let index = ItemIndex::from_usize(self.items.len());
        let location = self.loc(item_span.clone());
        let (id, hash, suffixed) = self.unique_item_id(id, decided.pin.is_some(), &location);
        let line_end = self.src[src.raw.end..]
            .find(['\n', '\r'])
            .map_or(self.src.len(), |i| src.raw.end + i);
        let line_start = self.src[..src.box_span.start]
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1);
        let indent = indent(&self.src[line_start..src.box_span.start]);
        if src.mark == Mark::Checked && !matches!(decided.kind, ItemKind::Task) {
            self.diag(
                Code::CheckedFieldIgnored,
                src.box_span.clone(),
                format!(
                    "this {} is checked, but its value or signer is not in the Markdown",
                    if matches!(decided.kind, ItemKind::SignOff { .. }) {
                        "sign-off"
                    } else {
                        "field"
                    }
                ),
                "it starts empty: fill or approve it through the state, which records the value or the signer",
            );
        }
        self.item_ids.insert_hashed(&id, hash, index);
        for gate in &mut self.gates {
            gate.item(&id, index);
        }
        let shared: std::sync::Arc<str> = std::sync::Arc::from(id.as_str());
        self.id_scratch = id;
        self.items.push(Item {
            index,
            id: shared,
            text: shape.text,
            label_end: shape.label_end,
            kind: decided.kind,
            optional: decided.optional,
            suffixed,
            mark: src.mark,
            section,
            parent,
            children: vec![],
            step,
            location,
            box_span: src.box_span,
            line_end,
            indent,
        });
        self.sections[section.get()].items.push(index);
        if let Some(p) = parent {
            self.items[p.get()].children.push(index);
        }
    }

    fn next_step(&mut self, index: ItemIndex) -> Option<Step> {
        let n = self.frames.len();
        if n < 2 {
            return None;
        }
        let Frame::List {
            ordered: true,
            list_id,
            next_step,
            ..
        } = &mut self.frames[n - 2]
        else {
            return None;
        };
        let list = *list_id.get_or_insert_with(|| {
            self.ordered_lists.push(vec![]);
            u32::try_from(self.ordered_lists.len() - 1).unwrap_or(u32::MAX)
        });
        let position = *next_step;
        *next_step += 1;
        self.ordered_lists[list as usize].push(index);
        Some(Step { list, position })
    }

    fn decide_kind(
        &mut self,
        shape: &Shape,
        attrs: &[(Attribute, Range<usize>)],
        section: SectionIndex,
        item_span: Range<usize>,
    ) -> Decided {
        let label = shape.label();
        let derived_role = || {
            let base = item_text::strip_approval(label)
                .filter(|b| !b.is_empty())
                .unwrap_or(label);
            slugify(base)
        };
        let mut kind = if shape.blank {
            // Only a field's heading matters (fields under a sign-off heading are
            // sign-offs), so only fields pay for slugging it.
            let under_signoff = item_text::is_signoff_heading(&self.sections[section.get()].title);
            if label.is_empty() {
                self.diag(
                    Code::UnlabelledField,
                    item_span.clone(),
                    "this field has a blank but no label".into(),
                    "say what goes in the blank: `- [ ] Release Date: ____`",
                );
            }
            if under_signoff || item_text::strip_approval(label).is_some() {
                ItemKind::SignOff {
                    role: derived_role(),
                }
            } else if item_text::has_word(label, "date") {
                ItemKind::Field(FieldType::Date)
            } else {
                ItemKind::Field(FieldType::Text)
            }
        } else {
            ItemKind::Task
        };
        let mut optional = shape.optional_marker;
        let mut pin = None;
        let mut force_task = false;
        let mut field_type: Option<FieldType> = None;
        let mut type_span = None;
        let mut task_span = None;
        let mut role: Option<String> = None;
        let mut signoff = false;
        let mut field = false;
        for (attr, span) in attrs {
            match attr {
                Attribute::Id(id) => pin = self.check_pin(id.clone(), span.clone()),
                Attribute::Class(c) => match c.as_str() {
                    "optional" => optional = true,
                    "required" => optional = false,
                    "signoff" => signoff = true,
                    "field" => field = true,
                    "task" => {
                        force_task = true;
                        task_span = Some(span.clone());
                    }
                    other => self.diag(
                        Code::UnknownAttribute,
                        span.clone(),
                        format!("unknown class `.{other}`"),
                        "known classes: `.optional`, `.required`, `.task`, `.field`, `.signoff`",
                    ),
                },
                Attribute::Pair(k, v) => match k.as_str() {
                    "type" => match v.parse::<FieldType>() {
                        Ok(t) => {
                            field_type = Some(t);
                            type_span = Some(span.clone());
                        }
                        Err(e) => self.diag(
                            Code::InvalidFieldType,
                            span.clone(),
                            e.to_string(),
                            "e.g. `type=date`, `type=number` or `type=\"enum(low|high)\"`",
                        ),
                    },
                    "role" => {
                        if is_slug(v) {
                            role = Some(v.clone());
                        } else {
                            self.diag(
                                Code::InvalidRole,
                                span.clone(),
                                format!("`{v}` is not a valid role"),
                                &format!(
                                    "a role is lowercase letters and digits separated by `-`, e.g. `role={}`",
                                    slugify(v)
                                ),
                            );
                        }
                    }
                    other => self.diag(
                        Code::UnknownAttribute,
                        span.clone(),
                        format!("unknown attribute key `{other}`"),
                        "known keys: `type=` (text, date, number, url, enum(a|b)) and `role=`",
                    ),
                },
            }
        }
        // Attributes that contradict each other are refused rather than silently ranked.
        if let Some(span) = task_span.clone()
            && (signoff || role.is_some() || field || field_type.is_some())
        {
            self.diag(
                Code::MisplacedAttribute,
                span,
                "`.task` contradicts the other attributes of this item".into(),
                "an item is a task, a field (`.field`, `type=`) or a sign-off (`.signoff`, `role=`): keep one",
            );
        }
        if let Some(span) = type_span.clone()
            && (signoff || role.is_some())
        {
            self.diag(
                Code::IgnoredAttribute,
                span,
                "`type=` is ignored: this item is a sign-off, and a sign-off has no value type"
                    .into(),
                "drop `type=`, or drop `.signoff` / `role=` to make this a field",
            );
        }
        if signoff || role.is_some() {
            kind = ItemKind::SignOff {
                role: role.unwrap_or_else(derived_role),
            };
        } else if let Some(t) = field_type {
            kind = ItemKind::Field(t);
        } else if field && !matches!(kind, ItemKind::Field(_)) {
            kind = ItemKind::Field(if item_text::has_word(label, "date") {
                FieldType::Date
            } else {
                FieldType::Text
            });
        } else if force_task {
            kind = ItemKind::Task;
        }
        if let ItemKind::SignOff { role } = &kind
            && role.is_empty()
        {
            self.diag(
                Code::InvalidRole,
                item_span,
                "this sign-off has no role".into(),
                "name the role: `{role=technical-lead}`",
            );
        }
        Decided {
            kind,
            optional,
            pin,
        }
    }
}

/// Records per chunk.
const RECORD_CHUNK: usize = 4096;

/// An item as the walk saw it, built into an [`Item`] after the walk. Kept small (byte
/// offsets as `u32`, the text exactly sized): a large checklist holds one per item while
/// pulldown-cmark's tree is still alive.
pub(super) struct Record {
    start: u32,
    box_span: [u32; 2],
    raw: [u32; 2],
    mark: Mark,
    text: Box<str>,
    section: SectionIndex,
    /// The nearest enclosing task.
    parent: Option<ItemIndex>,
    /// Grouping bullets between that task (or the section) and the item, as indices
    /// into `Walker::groups`.
    groups: Box<[u32]>,
    step: Option<Step>,
}

struct ItemSource {
    start: usize,
    mark: Mark,
    box_span: Range<usize>,
    raw: Range<usize>,
    text: String,
}

struct Decided {
    kind: ItemKind,
    optional: bool,
    pin: Option<String>,
}

/// `path/segment`, or `segment` when the path is empty (what `join` builds, in place).
fn push_segment(path: &mut String, segment: &str) {
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(segment);
}

/// The prefix that puts a line at an item's content column: the line's text before the
/// box with every character but `>` and tab turned into a space.
fn indent(before_box: &str) -> std::borrow::Cow<'static, str> {
    const SPACES: &str = "                                                                ";
    if !before_box.contains(['>', '\t']) {
        let width = before_box.chars().count();
        if let Some(spaces) = SPACES.get(..width) {
            return std::borrow::Cow::Borrowed(spaces);
        }
    }
    std::borrow::Cow::Owned(
        before_box
            .chars()
            .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
            .collect(),
    )
}
