//! One pass over pulldown-cmark's events, building sections and items.
//!
//! The walk keeps an explicit stack of open containers ([`Frame`]s) instead of recursing,
//! so nesting depth costs heap, not call stack. An item's text is collected from the
//! inline events of its first paragraph; the item is created as soon as that text ends,
//! before its nested children, so children can name their parent.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use super::attributes::{self, Attribute, Trailing};
use super::item_text::{self, Shape};
use super::{Limits, ParseOptions, markdown_options};
use crate::diagnostic::{Code, Diagnostic, LineIndex, Location, Related, Severity};
use crate::slug::{is_slug, slugify};
use crate::spec::{
    FieldType, Item, ItemIndex, ItemKind, Mark, Note, NoteKind, Section, SectionIndex, Step,
};

/// What the walk produces, before front matter is applied.
pub(crate) struct Walked {
    pub(crate) title: Option<String>,
    pub(crate) title_pin: Option<String>,
    pub(crate) sections: Vec<Section>,
    pub(crate) items: Vec<Item>,
    pub(crate) item_ids: HashMap<String, ItemIndex>,
    pub(crate) ordered_lists: Vec<Vec<ItemIndex>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Text gathered from inline events, with the raw source range it came from.
#[derive(Default)]
struct Inline {
    text: String,
    range: Option<Range<usize>>,
}

impl Inline {
    fn push(&mut self, event: &Event<'_>, range: Range<usize>) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            _ => {}
        }
        self.range = Some(match self.range.take() {
            Some(r) => r.start.min(range.start)..r.end.max(range.end),
            None => range,
        });
    }
}

struct ItemFrame {
    start: usize,
    mark: Option<(Mark, Range<usize>)>,
    collecting: bool,
    in_first_paragraph: bool,
    inline: Inline,
    /// The path segment this list item adds for the items nested in it.
    segment: Option<String>,
    item: Option<ItemIndex>,
}

enum Frame {
    List {
        ordered: bool,
        list_id: Option<u32>,
        next_step: u32,
        items_before: usize,
        span: Range<usize>,
    },
    Item(ItemFrame),
    Block {
        note: Option<NoteKind>,
        span: Range<usize>,
        items_before: usize,
    },
}

struct Heading {
    level: u8,
    start: usize,
    inline: Inline,
}

pub(crate) struct Walker<'s> {
    src: &'s str,
    strict: bool,
    limits: Limits,
    lines: &'s LineIndex,
    diags: Vec<Diagnostic>,
    sections: Vec<Section>,
    section_ids: HashMap<String, SectionIndex>,
    /// Ids claimed by a pin `{#...}`, so a later derived id that meets them is an error
    /// too, whatever the order of the two.
    pinned_ids: HashSet<(bool, String)>,
    items: Vec<Item>,
    item_ids: HashMap<String, ItemIndex>,
    ordered_lists: Vec<Vec<ItemIndex>>,
    section_stack: Vec<SectionIndex>,
    frames: Vec<Frame>,
    heading: Option<Heading>,
    seen_heading: bool,
    title: Option<String>,
    title_pin: Option<String>,
    depth_reported: bool,
    items_reported: bool,
}

impl<'s> Walker<'s> {
    pub(crate) fn new(src: &'s str, options: &ParseOptions, lines: &'s LineIndex) -> Self {
        let root = Section {
            index: SectionIndex::from_raw(0),
            id: String::new(),
            title: String::new(),
            level: 0,
            parent: None,
            children: vec![],
            items: vec![],
            notes: vec![],
            location: lines.locate(src, 0..0),
        };
        Walker {
            src,
            strict: options.strict,
            limits: options.limits,
            lines,
            diags: vec![],
            sections: vec![root],
            section_ids: HashMap::new(),
            pinned_ids: HashSet::new(),
            items: vec![],
            item_ids: HashMap::new(),
            ordered_lists: vec![],
            section_stack: vec![SectionIndex::from_raw(0)],
            frames: vec![],
            heading: None,
            seen_heading: false,
            title: None,
            title_pin: None,
            depth_reported: false,
            items_reported: false,
        }
    }

    fn loc(&self, span: Range<usize>) -> Location {
        self.lines.locate(self.src, span)
    }

    fn diag(&mut self, code: Code, span: Range<usize>, message: String, help: &str) {
        let location = self.loc(span);
        self.diags.push(Diagnostic {
            severity: code.default_severity(),
            code,
            message,
            location,
            help: (!help.is_empty()).then(|| help.to_string()),
            related: vec![],
        });
    }

    /// Walks the Markdown that starts at byte `base` of the source.
    pub(crate) fn run(mut self, base: usize) -> Walked {
        let md = &self.src[base..];
        for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
            let range = range.start + base..range.end + base;
            self.event(event, range);
        }
        // pulldown-cmark balances its events; this only guards against a future change.
        while self.frames.last().is_some() {
            self.close_frame();
        }
        self.finish()
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) if is_inline(&tag) => self.inline(&Event::Start(tag), range),
            Event::End(tag) if is_inline_end(tag) => self.inline(&Event::End(tag), range),
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Item(f)) = self.frames.last_mut()
                    && f.collecting
                {
                    let mark = if checked { Mark::Checked } else { Mark::Open };
                    f.mark = Some((mark, range));
                }
            }
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_) => self.inline(&event, range),
            Event::Html(_) | Event::Rule => {}
        }
    }

    fn inline(&mut self, event: &Event<'_>, range: Range<usize>) {
        if let Some(h) = &mut self.heading {
            h.inline.push(event, range);
            return;
        }
        match self.frames.last_mut() {
            Some(Frame::Item(f)) if f.collecting => f.inline.push(event, range),
            Some(Frame::Block {
                note: Some(NoteKind::Paragraph),
                ..
            }) if matches!(event, Event::SoftBreak | Event::HardBreak) =>
            {
                // A new line inside a paragraph: does it start like a task?
                self.check_line_start(range.end);
            }
            _ => {}
        }
    }

    /// Warns when the text at `pos` looks like a checkbox that Markdown did not take as one:
    /// `-[ ] a` (no space after the bullet), `[ ] a` (no bullet).
    fn check_line_start(&mut self, pos: usize) {
        let rest = &self.src[pos.min(self.src.len())..];
        let line = rest.split(['\n', '\r']).next().unwrap_or("");
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let without_bullet = trimmed
            .strip_prefix(['-', '*', '+'])
            .filter(|r| r.starts_with('['))
            .unwrap_or(trimmed);
        if item_text::looks_like_box(without_bullet) {
            let start = pos + lead;
            let end = start + trimmed.find(']').map_or(1, |i| i + 1);
            self.diag(
                Code::NotATask,
                start..end,
                "this line looks like a task but Markdown does not read it as one".into(),
                "write a task as a bullet, a space, then the box: `- [ ] text`",
            );
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        // A block inside a list item ends the item's own text (its first paragraph).
        let mut first_paragraph = false;
        if let Some(Frame::Item(f)) = self.frames.last_mut()
            && f.collecting
        {
            if matches!(tag, Tag::Paragraph) && f.inline.range.is_none() && !f.in_first_paragraph
            {
                f.in_first_paragraph = true;
                first_paragraph = true;
            } else {
                self.finish_item_text();
            }
        }
        if first_paragraph {
            return;
        }
        let items_before = self.items.len();
        let frame = match tag {
            Tag::Heading { level, .. } if self.frames.is_empty() => {
                self.heading = Some(Heading {
                    level: level as u8,
                    start: range.start,
                    inline: Inline::default(),
                });
                return;
            }
            Tag::List(first) => Frame::List {
                ordered: first.is_some(),
                list_id: None,
                next_step: 1,
                items_before,
                span: range.clone(),
            },
            Tag::Item => Frame::Item(ItemFrame {
                // Point at the bullet, not at the indentation before it.
                start: range.start
                    + self.src[range.clone()]
                        .find(|c: char| c != ' ' && c != '\t')
                        .unwrap_or(0),
                mark: None,
                collecting: true,
                in_first_paragraph: false,
                inline: Inline::default(),
                segment: None,
                item: None,
            }),
            Tag::Paragraph => {
                self.check_line_start(range.start);
                Frame::Block {
                    note: Some(NoteKind::Paragraph),
                    span: range.clone(),
                    items_before,
                }
            }
            Tag::CodeBlock(kind) => Frame::Block {
                note: Some(NoteKind::Code {
                    info: match kind {
                        CodeBlockKind::Fenced(info) => info.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    },
                }),
                span: range.clone(),
                items_before,
            },
            Tag::BlockQuote(_) => Frame::Block {
                note: Some(NoteKind::Quote),
                span: range.clone(),
                items_before,
            },
            Tag::Table(_) => Frame::Block {
                note: Some(NoteKind::Table),
                span: range.clone(),
                items_before,
            },
            Tag::HtmlBlock => {
                // HTML is content (a section of HTML is not empty); a comment is not.
                let html = self.src[range.clone()].trim();
                let comment = html.starts_with("<!--") && html.ends_with("-->");
                Frame::Block {
                    note: (!comment).then_some(NoteKind::Html),
                    span: range.clone(),
                    items_before,
                }
            }
            _ => Frame::Block {
                note: None,
                span: range.clone(),
                items_before,
            },
        };
        self.frames.push(frame);
        if self.frames.len() > self.limits.max_depth && !self.depth_reported {
            self.depth_reported = true;
            self.diag(
                Code::LimitExceeded,
                range.start..range.start + 1,
                format!(
                    "nesting is deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
                "flatten the lists or quotes, or raise `Limits::max_depth`",
            );
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if let TagEnd::Heading(_) = tag
            && self.heading.is_some()
        {
            self.finish_heading();
            return;
        }
        if let TagEnd::Paragraph = tag
            && let Some(Frame::Item(f)) = self.frames.last_mut()
            && f.in_first_paragraph
        {
            f.in_first_paragraph = false;
            if f.collecting {
                self.finish_item_text();
            }
            return;
        }
        self.close_frame();
    }

    fn close_frame(&mut self) {
        if let Some(Frame::Item(f)) = self.frames.last()
            && f.collecting
        {
            self.finish_item_text();
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if !self.frames.is_empty() {
            return;
        }
        // A top-level block: a note of the current section unless it holds items.
        let (kind, start, items_before) = match frame {
            Frame::List {
                items_before, span, ..
            } => (Some(NoteKind::List), span, items_before),
            Frame::Block {
                note,
                span,
                items_before,
            } => (note, span, items_before),
            Frame::Item(_) => return,
        };
        let Some(kind) = kind else { return };
        if self.items.len() != items_before {
            return;
        }
        let markdown = self.src[start.clone()].trim_end().to_string();
        let location = self.loc(start);
        let section = *self.section_stack.last().unwrap_or(&SectionIndex::from_raw(0));
        self.sections[section.get()].notes.push(Note {
            kind,
            markdown,
            location,
        });
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else {
            return;
        };
        let raw_range = h.inline.range.clone().unwrap_or(h.start..h.start);
        let raw = &self.src[raw_range.clone()];
        let mut text = h.inline.text;
        let mut pin = None;
        match attributes::find_trailing(raw) {
            Trailing::Block { range, content } => {
                let abs = raw_range.start + range.start + 1;
                match attributes::parse(content) {
                    Ok(attrs) => {
                        for a in attrs {
                            let span = abs + a.range.start..abs + a.range.end;
                            match a.attribute {
                                Attribute::Id(id) => pin = self.check_pin(id, span),
                                other => self.diag(
                                    Code::MisplacedAttribute,
                                    span,
                                    format!(
                                        "`{}` does not apply to a heading",
                                        attribute_text(&other)
                                    ),
                                    "a heading takes only an id pin, e.g. `## Deploy {#deploy}`",
                                ),
                            }
                        }
                    }
                    Err(e) => self.diag(
                        Code::UnreadableAttributes,
                        abs + e.offset..abs + e.offset + 1,
                        format!("cannot read this attribute block: {}", e.message),
                        "write attributes as `{#id .class key=value}`",
                    ),
                }
                cut_trailing_brace(&mut text);
            }
            Trailing::Unclosed { start } => {
                let abs = raw_range.start + start;
                self.unclosed(abs);
                cut_trailing_brace(&mut text);
            }
            Trailing::None => {}
        }
        let title = text.trim().to_string();
        let first = !self.seen_heading;
        self.seen_heading = true;
        if first && h.level == 1 {
            self.title = Some(title.clone());
            self.title_pin = pin;
            self.sections[0].title = title;
            return;
        }
        while self.section_stack.len() > 1
            && self.sections[self.section_stack.last().map_or(0, |s| s.get())].level >= h.level
        {
            self.section_stack.pop();
        }
        let parent = *self.section_stack.last().unwrap_or(&SectionIndex::from_raw(0));
        let parent_level = if parent.get() == 0 {
            self.title.as_ref().map(|_| 1)
        } else {
            Some(self.sections[parent.get()].level)
        };
        let heading_span = h.start..h.start + usize::from(h.level).max(1);
        if let Some(pl) = parent_level
            && h.level > pl + 1
        {
            self.diag(
                Code::SkippedHeadingLevel,
                heading_span.clone(),
                format!(
                    "this heading is level {}, but the one it belongs under is level {pl}",
                    h.level
                ),
                &format!(
                    "use `{}` so the outline has no gaps",
                    "#".repeat(usize::from(pl) + 1)
                ),
            );
        }
        if title.len() > self.limits.max_text_bytes {
            self.text_too_long(heading_span.clone(), title.len());
            return;
        }
        let own = pin.clone().unwrap_or_else(|| {
            let s = slugify(&title);
            if s.is_empty() { "section".into() } else { s }
        });
        let parent_id = &self.sections[parent.get()].id;
        let id = join(parent_id, &own);
        let index = SectionIndex::from_usize(self.sections.len());
        let location = self.loc(h.start..raw_range.end.max(h.start + 1));
        let id = self.unique_section_id(id, pin.is_some(), index, &location);
        self.sections.push(Section {
            index,
            id,
            title,
            level: h.level,
            parent: Some(parent),
            children: vec![],
            items: vec![],
            notes: vec![],
            location,
        });
        self.sections[parent.get()].children.push(index);
        self.section_stack.push(index);
    }

    fn check_pin(&mut self, id: String, span: Range<usize>) -> Option<String> {
        if is_slug(&id) {
            return Some(id);
        }
        let suggestion = slugify(&id);
        self.diag(
            Code::InvalidIdPin,
            span,
            format!("`#{id}` is not a valid id"),
            &if suggestion.is_empty() {
                "an id is lowercase letters and digits separated by `-`".to_string()
            } else {
                format!(
                    "an id is lowercase letters and digits separated by `-`, e.g. `#{suggestion}`"
                )
            },
        );
        None
    }

    fn unclosed(&mut self, at: usize) {
        self.diag(
            Code::UnreadableAttributes,
            at..at + 1,
            "this attribute block is never closed".into(),
            "end it with `}` on the same line, or escape the brace as `\\{` if it is text",
        );
    }

    fn text_too_long(&mut self, span: Range<usize>, len: usize) {
        self.diag(
            Code::LimitExceeded,
            span,
            format!(
                "this text is {len} bytes, more than the limit of {} bytes",
                self.limits.max_text_bytes
            ),
            "shorten it, or raise `Limits::max_text_bytes`",
        );
    }

    /// The inline text of the list item on top of the stack has ended: decide whether it
    /// is a task and, if so, create the item.
    fn finish_item_text(&mut self) {
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
                mark = Some((
                    Mark::NotApplicable,
                    raw_range.start..raw_range.start + 3,
                ));
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
                    "this list item looks like a task but Markdown does not read it as one"
                        .into(),
                    "a box is `[ ]`, `[x]` or `[~]` followed by a space and the text",
                );
            }
            if let Some(Frame::Item(f)) = self.frames.last_mut() {
                f.segment = Some(slugify(&text));
            }
            return;
        };
        let raw_text_range = if box_span.start == raw_range.start {
            // `[~]` is inside the inline text; the rest starts after it.
            (box_span.end).min(raw_range.end)..raw_range.end
        } else {
            raw_range.clone()
        };
        self.create_item(ItemSource {
            start: item_start,
            mark,
            box_span,
            raw: raw_text_range,
            text,
        });
    }

    fn create_item(&mut self, src: ItemSource) {
        if self.items.len() >= self.limits.max_items {
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
        if text.len() > self.limits.max_text_bytes {
            self.text_too_long(src.start..src.start + 1, text.len());
            return;
        }
        let shape = item_text::shape(&text);
        let section = *self.section_stack.last().unwrap_or(&SectionIndex::from_raw(0));
        let item_span = src.start..src.raw.end.max(src.box_span.end);
        let decided = self.decide_kind(&shape, &attrs, section, item_span.clone());
        let own = decided.pin.clone().unwrap_or_else(|| {
            let s = slugify(&shape.label);
            if s.is_empty() { "item".into() } else { s }
        });
        // Path: section, then every enclosing list item (parent task or grouping bullet).
        let mut id = self.sections[section.get()].id.clone();
        let mut parent = None;
        for frame in &self.frames[..self.frames.len() - 1] {
            if let Frame::Item(f) = frame {
                if let Some(seg) = f.segment.as_deref().filter(|s| !s.is_empty()) {
                    id = join(&id, seg);
                }
                if f.item.is_some() {
                    parent = f.item;
                }
            }
        }
        let id = join(&id, &own);
        if id.len() > self.limits.max_text_bytes {
            self.text_too_long(item_span, id.len());
            return;
        }
        let index = ItemIndex::from_usize(self.items.len());
        let location = self.loc(item_span.clone());
        let id = self.unique_item_id(id, decided.pin.is_some(), index, &location);
        let own_segment = id.rsplit('/').next().unwrap_or("").to_string();
        let step = self.next_step(index);
        let line_end = self.src[src.raw.end..]
            .find(['\n', '\r'])
            .map_or(self.src.len(), |i| src.raw.end + i);
        let line_start = self.src[..src.box_span.start]
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1);
        let indent = self.src[line_start..src.box_span.start]
            .chars()
            .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
            .collect();
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
                "it starts empty; fill or approve it through the state, e.g. `checklist fill`",
            );
        }
        self.items.push(Item {
            index,
            id,
            text: shape.text,
            label: shape.label,
            kind: decided.kind,
            optional: decided.optional,
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
        if let Some(Frame::Item(f)) = self.frames.last_mut() {
            f.item = Some(index);
            f.segment = Some(own_segment);
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
        let under_signoff = item_text::is_signoff_heading(&self.sections[section.get()].title);
        let derived_role = || {
            let base = item_text::strip_approval(&shape.label)
                .filter(|b| !b.is_empty())
                .unwrap_or(&shape.label);
            slugify(base)
        };
        let mut kind = if shape.blank {
            if shape.label.is_empty() {
                self.diag(
                    Code::UnlabelledField,
                    item_span.clone(),
                    "this field has a blank but no label".into(),
                    "say what goes in the blank: `- [ ] Release Date: ____`",
                );
            }
            if under_signoff || item_text::strip_approval(&shape.label).is_some() {
                ItemKind::SignOff {
                    role: derived_role(),
                }
            } else if item_text::has_word(&shape.label, "date") {
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
            kind = ItemKind::Field(if item_text::has_word(&shape.label, "date") {
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

    fn unique_item_id(
        &mut self,
        id: String,
        pinned: bool,
        index: ItemIndex,
        location: &Location,
    ) -> String {
        let first_pinned = self.pinned_ids.contains(&(true, id.clone()));
        if pinned {
            self.pinned_ids.insert((true, id.clone()));
        }
        let first = match self.item_ids.entry(id.clone()) {
            Entry::Vacant(v) => {
                v.insert(index);
                return id;
            }
            Entry::Occupied(o) => *o.get(),
        };
        let first_loc = self.items[first.get()].location.clone();
        let id = self.claim_suffixed(&id, |w, candidate| {
            match w.item_ids.entry(candidate.to_string()) {
                Entry::Vacant(v) => {
                    v.insert(index);
                    true
                }
                Entry::Occupied(_) => false,
            }
        });
        self.repeated(
            "item",
            (pinned, first_pinned),
            &id,
            location,
            first_loc,
            self.items[first.get()].label.clone(),
        );
        id
    }

    fn unique_section_id(
        &mut self,
        id: String,
        pinned: bool,
        index: SectionIndex,
        location: &Location,
    ) -> String {
        let first_pinned = self.pinned_ids.contains(&(false, id.clone()));
        if pinned {
            self.pinned_ids.insert((false, id.clone()));
        }
        let first = match self.section_ids.entry(id.clone()) {
            Entry::Vacant(v) => {
                v.insert(index);
                return id;
            }
            Entry::Occupied(o) => *o.get(),
        };
        let first_loc = self.sections[first.get()].location.clone();
        let id = self.claim_suffixed(&id, |w, candidate| {
            match w.section_ids.entry(candidate.to_string()) {
                Entry::Vacant(v) => {
                    v.insert(index);
                    true
                }
                Entry::Occupied(_) => false,
            }
        });
        self.repeated(
            "section",
            (pinned, first_pinned),
            &id,
            location,
            first_loc,
            self.sections[first.get()].title.clone(),
        );
        id
    }

    fn claim_suffixed(&mut self, id: &str, mut claim: impl FnMut(&mut Self, &str) -> bool) -> String {
        let mut n = 2u64;
        loop {
            let candidate = format!("{id}-{n}");
            if claim(self, &candidate) {
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
        let (code, severity) = if error {
            (Code::DuplicateId, Severity::Error)
        } else {
            (Code::RepeatedId, Severity::Warning)
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
        self.diags.push(Diagnostic {
            severity,
            code,
            message,
            location: location.clone(),
            help: Some(format!(
                "give one of them its own id with an attribute block, e.g. `{{#{own}-{}}}`",
                if what == "item" { "again" } else { "more" }
            )),
            related: vec![Related {
                location: first,
                message: format!("first used by `{first_text}`"),
            }],
        });
    }

    fn finish(self) -> Walked {
        Walked {
            title: self.title,
            title_pin: self.title_pin,
            sections: self.sections,
            items: self.items,
            item_ids: self.item_ids,
            ordered_lists: self.ordered_lists,
            diagnostics: self.diags,
        }
    }
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

fn join(parent: &str, own: &str) -> String {
    if parent.is_empty() {
        own.to_string()
    } else {
        let mut s = String::with_capacity(parent.len() + 1 + own.len());
        s.push_str(parent);
        s.push('/');
        s.push_str(own);
        s
    }
}

/// Cuts the plain text at its last `{`: the attribute block's text.
fn cut_trailing_brace(text: &mut String) {
    if let Some(i) = text.rfind('{') {
        text.truncate(i);
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
    }
}

fn attribute_text(a: &Attribute) -> String {
    match a {
        Attribute::Id(id) => format!("#{id}"),
        Attribute::Class(c) => format!(".{c}"),
        Attribute::Pair(k, v) => format!("{k}={v}"),
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}
