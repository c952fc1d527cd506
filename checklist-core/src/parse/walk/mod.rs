//! One pass over pulldown-cmark's events, building sections and items.
//!
//! The walk keeps an explicit stack of open containers ([`Frame`]s) instead of recursing,
//! so nesting depth costs heap, not call stack. An item's text is collected from the
//! inline events of its first paragraph; the item is created as soon as that text ends,
//! before its nested children, so children can name their parent.

mod ids;
mod items;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use super::attributes::{self, Attribute, Trailing};
use super::item_text::{self, Shape};
use super::{Limits, ParseOptions, markdown_options};
use crate::diagnostic::{Code, Diagnostic};
use crate::location::{LineIndex, Location};
use crate::pattern::Pattern;
use crate::slug::{is_slug, slugify, slugify_into};
use crate::spec::{
    FieldType, IdIndex, Item, ItemIndex, ItemKind, Mark, Note, NoteKind, Section, SectionIndex,
    Step,
};

/// What the walk produces, before front matter is applied.
pub(crate) struct Walked {
    pub(crate) title: Option<String>,
    pub(crate) title_pin: Option<String>,
    pub(crate) sections: Vec<Section>,
    pub(crate) items: Vec<Item>,
    pub(crate) item_ids: IdIndex,
    pub(crate) ordered_lists: Vec<Vec<ItemIndex>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Each declared gate's patterns, matched against every item as it was made.
    pub(crate) gates: Vec<GateMatch>,
}

/// The patterns of one declared gate (includes, then excludes) and what they matched.
///
/// Matching happens while each item is made, when its id is still in cache: matched
/// later, every id of a large checklist is a cache miss.
pub(crate) struct GateMatch {
    patterns: Vec<(Pattern, bool)>,
    /// Per pattern: whether it matched any item.
    pub(crate) matched: Vec<bool>,
    /// The items an include matches and no exclude does, in document order.
    pub(crate) selected: Vec<ItemIndex>,
}

impl GateMatch {
    /// `include` and `exclude` as written.
    pub(crate) fn new<'a>(
        include: impl IntoIterator<Item = &'a str>,
        exclude: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let patterns: Vec<(Pattern, bool)> = include
            .into_iter()
            .map(|p| (Pattern::new(p), true))
            .chain(exclude.into_iter().map(|p| (Pattern::new(p), false)))
            .collect();
        GateMatch {
            matched: vec![false; patterns.len()],
            patterns,
            selected: Vec::new(),
        }
    }

    fn item(&mut self, id: &str, index: ItemIndex) {
        let (mut included, mut excluded) = (false, false);
        for ((pattern, include), matched) in self.patterns.iter().zip(&mut self.matched) {
            if pattern.matches(id) {
                *matched = true;
                if *include {
                    included = true;
                } else {
                    excluded = true;
                }
            }
        }
        if included && !excluded {
            self.selected.push(index);
        }
    }
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
    segment: Option<Segment>,
    item: Option<ItemIndex>,
}

/// The path segment of a list item: a grouping bullet's slug (moved to
/// `Walker::groups` once an item needs it), or a task, whose id holds its whole path.
enum Segment {
    Slug(String),
    Group(u32),
    Item(ItemIndex),
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
    /// The line of the last location asked for: the walk moves forward through the
    /// source, so the next one is usually on it or just after it.
    line_hint: std::cell::Cell<u32>,
    diags: Vec<Diagnostic>,
    sections: Vec<Section>,
    section_ids: IdIndex<SectionIndex>,
    /// Item ids claimed by a pin `{#...}`, so a later derived id that meets them is an
    /// error too, whatever the order of the two.
    pinned_items: HashSet<String>,
    /// The same for section ids.
    pinned_sections: HashSet<String>,
    /// Items as the walk sees them, built after it (see `items.rs`), in chunks so that
    /// building can free them as it goes.
    records: Vec<Vec<items::Record>>,
    /// How many records there are.
    recorded: usize,
    /// Slugs of grouping bullets that items are nested under.
    groups: Vec<String>,
    /// Top-level blocks that are notes: section, kind, span (text copied after the walk).
    pending_notes: Vec<(SectionIndex, NoteKind, Range<usize>)>,
    items: Vec<Item>,
    item_ids: IdIndex,
    ordered_lists: Vec<Vec<ItemIndex>>,
    section_stack: Vec<SectionIndex>,
    frames: Vec<Frame>,
    heading: Option<Heading>,
    seen_heading: bool,
    title: Option<String>,
    title_pin: Option<String>,
    depth_reported: bool,
    items_reported: bool,
    /// The next `-N` suffix to try per repeated id (`true`: a section id), so that many
    /// repeats of one id cost linear time, not quadratic.
    next_suffix: HashMap<(bool, String), u64>,
    /// Where the next item's id is built (see `Walker::item`).
    id_scratch: String,
    gates: Vec<GateMatch>,
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
            line_hint: std::cell::Cell::new(1),
            diags: vec![],
            sections: vec![root],
            section_ids: IdIndex::default(),
            pinned_items: HashSet::new(),
            pinned_sections: HashSet::new(),
            records: vec![],
            recorded: 0,
            groups: vec![],
            pending_notes: vec![],
            items: vec![],
            item_ids: IdIndex::default(),
            ordered_lists: vec![],
            section_stack: vec![SectionIndex::from_raw(0)],
            frames: vec![],
            heading: None,
            seen_heading: false,
            title: None,
            title_pin: None,
            depth_reported: false,
            items_reported: false,
            next_suffix: HashMap::new(),
            id_scratch: String::new(),
            gates: Vec::new(),
        }
    }

    /// Matches every item against these gates' patterns as it is made.
    pub(crate) fn with_gates(mut self, gates: Vec<GateMatch>) -> Self {
        self.gates = gates;
        self
    }

    fn loc(&self, span: Range<usize>) -> Location {
        self.lines.locate_near(self.src, span, &self.line_hint)
    }

    fn diag(&mut self, code: Code, span: Range<usize>, message: String, help: &str) {
        let location = self.loc(span);
        self.diags
            .push(Diagnostic::new(code, location, message).with_help(help));
    }

    /// Walks the Markdown that starts at byte `base` of the source.
    pub(crate) fn run(mut self, base: usize) -> Walked {
        let md = &self.src[base..];
        // Sized once: grown by doubling, the item list is copied whole every time.
        for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
            let range = range.start + base..range.end + base;
            self.event(event, range);
        }
        // pulldown-cmark balances its events; this only guards against a future change.
        while self.frames.last().is_some() {
            self.close_frame();
        }
        // The parser (and its tree, about six times the input) is gone: now the items and
        // the notes' text.
        self.build_items();
        self.build_notes();
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
            }) if matches!(event, Event::SoftBreak | Event::HardBreak) => {
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
            if matches!(tag, Tag::Paragraph) && f.inline.range.is_none() && !f.in_first_paragraph {
                f.in_first_paragraph = true;
                first_paragraph = true;
            } else {
                self.finish_item_text();
            }
        }
        if first_paragraph {
            return;
        }
        let items_before = self.recorded;
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
        if self.recorded != items_before {
            return;
        }
        let section = *self
            .section_stack
            .last()
            .unwrap_or(&SectionIndex::from_raw(0));
        // Copied out of the source after the walk, with the items (see `build_notes`).
        self.pending_notes.push((section, kind, start));
    }

    /// After the walk: the notes' text, copied from the source now that pulldown-cmark's
    /// tree is gone.
    fn build_notes(&mut self) {
        self.line_hint.set(1);
        for (section, kind, span) in std::mem::take(&mut self.pending_notes) {
            let markdown = self.src[span.clone()].trim_end().to_string();
            let location = self.loc(span);
            self.sections[section.get()].notes.push(Note {
                kind,
                markdown,
                location,
            });
        }
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
        let parent = *self
            .section_stack
            .last()
            .unwrap_or(&SectionIndex::from_raw(0));
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
        let (id, hash) = self.unique_section_id(id, pin.is_some(), &location);
        self.section_ids.insert_hashed(&id, hash, index);
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
    fn finish(self) -> Walked {
        Walked {
            title: self.title,
            title_pin: self.title_pin,
            sections: self.sections,
            items: self.items,
            item_ids: self.item_ids,
            ordered_lists: self.ordered_lists,
            diagnostics: self.diags,
            gates: self.gates,
        }
    }
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

/// The length `cut_trailing_brace` would leave.
fn cut_trailing_brace_len(text: &str) -> usize {
    match text.rfind('{') {
        Some(i) => text[..i].trim_end().len(),
        None => text.len(),
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
