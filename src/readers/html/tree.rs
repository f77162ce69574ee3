//! The parsed page as the reader needs it: elements with their name and the five attributes
//! read (class, id, src, colspan, rowspan), text runs, and nodes nothing reads but whose
//! children are walked (the document, a template's contents) or that only take a place
//! (comments, doctypes). Built by html5ever's tree builder through [`Sink`], which also
//! counts the nodes made against `--max-html-nodes` and keeps the text put into the tree
//! with its line.
//!
//! A tree of its own rather than `scraper`'s: that one sorts and copies every attribute of
//! every element (most of a Word or CMS page's markup), and its node ids can only be hashed,
//! where these index vectors.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{local_name, namespace_url, ns, Attribute, QualName};

use crate::layout::Text;
use crate::model::Src;

/// A node's place in [`Tree::nodes`]; the document is 0.
pub type NodeId = usize;

/// No node (no parent, child or sibling).
const NONE: NodeId = usize::MAX;

pub struct Tree {
    pub nodes: Vec<Node>,
}

pub struct Node {
    parent: NodeId,
    first_child: NodeId,
    last_child: NodeId,
    prev_sibling: NodeId,
    next_sibling: NodeId,
    pub data: Data,
}

pub enum Data {
    Element(Element),
    Text(StrTendril),
    /// The document, a template's contents, a comment, a doctype, a processing instruction.
    Other,
}

pub struct Element {
    pub name: QualName,
    /// The attributes of no namespace the reader reads, by [`Read`]; boxed, as most
    /// elements have none (a page of a million nodes holds a million elements).
    read: Option<Box<[Option<StrTendril>; 5]>>,
}

/// The attributes the reader reads.
#[derive(Clone, Copy)]
pub enum Read {
    Class,
    Id,
    Src,
    Colspan,
    Rowspan,
}

impl Element {
    /// The element's local name (of whatever namespace).
    pub fn name(&self) -> &str {
        &self.name.local
    }

    pub fn attribute(&self, which: Read) -> Option<&str> {
        self.read.as_ref()?[which as usize].as_deref()
    }

    /// Keeps `attribute` when it is one the reader reads and the element has none of its
    /// name yet (the tokenizer keeps the first of repeated names; repeated `<html>` and
    /// `<body>` tags add only those missing).
    fn add(&mut self, attribute: Attribute) {
        if attribute.name.prefix.is_some() || attribute.name.ns != ns!() {
            return;
        }
        let which = match attribute.name.local {
            local_name!("class") => Read::Class,
            local_name!("id") => Read::Id,
            local_name!("src") => Read::Src,
            local_name!("colspan") => Read::Colspan,
            local_name!("rowspan") => Read::Rowspan,
            _ => return,
        };
        let slot = &mut self.read.get_or_insert_with(Default::default)[which as usize];
        if slot.is_none() {
            *slot = Some(attribute.value);
        }
    }
}

/// An edge of a walk in document order: a node entered, or left after its children.
#[derive(Clone, Copy)]
pub enum Edge {
    Open(NodeId),
    Close(NodeId),
}

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes[id].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    /// Whether `id` is an element of this local name.
    pub fn is(&self, id: NodeId, name: &str) -> bool {
        self.element(id).is_some_and(|e| e.name() == name)
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        Some(self.nodes[id].parent).filter(|&p| p != NONE)
    }

    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut next = self.nodes[id].first_child;
        std::iter::from_fn(move || {
            let at = next;
            (at != NONE).then(|| {
                next = self.nodes[at].next_sibling;
                at
            })
        })
    }

    /// The subtree of `id` in document order, `id` itself first and last. Iterative: pages
    /// nest deep, and a stack overflow is a crash.
    pub fn traverse(&self, id: NodeId) -> impl Iterator<Item = Edge> + '_ {
        let mut next = Some(Edge::Open(id));
        std::iter::from_fn(move || {
            let edge = next?;
            next = match edge {
                Edge::Open(n) => Some(match self.nodes[n].first_child {
                    NONE => Edge::Close(n),
                    child => Edge::Open(child),
                }),
                Edge::Close(n) if n == id => None,
                Edge::Close(n) => Some(match self.nodes[n].next_sibling {
                    NONE => Edge::Close(self.nodes[n].parent),
                    sibling => Edge::Open(sibling),
                }),
            };
            Some(edge)
        })
    }

    /// The subtree of `id` in document order, `id` first.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.traverse(id).filter_map(|e| match e {
            Edge::Open(n) => Some(n),
            Edge::Close(_) => None,
        })
    }

    fn push(&mut self, data: Data) -> NodeId {
        self.nodes.push(Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev_sibling: NONE,
            next_sibling: NONE,
            data,
        });
        self.nodes.len() - 1
    }

    fn detach(&mut self, id: NodeId) {
        let Node {
            parent,
            prev_sibling,
            next_sibling,
            ..
        } = self.nodes[id];
        if parent == NONE {
            return;
        }
        match prev_sibling {
            NONE => self.nodes[parent].first_child = next_sibling,
            prev => self.nodes[prev].next_sibling = next_sibling,
        }
        match next_sibling {
            NONE => self.nodes[parent].last_child = prev_sibling,
            next => self.nodes[next].prev_sibling = prev_sibling,
        }
        let node = &mut self.nodes[id];
        node.parent = NONE;
        node.prev_sibling = NONE;
        node.next_sibling = NONE;
    }

    /// Puts the orphan `id` last among the children of `parent`.
    fn append(&mut self, parent: NodeId, id: NodeId) {
        let last = self.nodes[parent].last_child;
        let node = &mut self.nodes[id];
        node.parent = parent;
        node.prev_sibling = last;
        match last {
            NONE => self.nodes[parent].first_child = id,
            last => self.nodes[last].next_sibling = id,
        }
        self.nodes[parent].last_child = id;
    }

    /// Puts the orphan `id` right before `sibling`, which has a parent.
    fn insert_before(&mut self, sibling: NodeId, id: NodeId) {
        let parent = self.nodes[sibling].parent;
        let prev = self.nodes[sibling].prev_sibling;
        let node = &mut self.nodes[id];
        node.parent = parent;
        node.prev_sibling = prev;
        node.next_sibling = sibling;
        self.nodes[sibling].prev_sibling = id;
        match prev {
            NONE => self.nodes[parent].first_child = id,
            prev => self.nodes[prev].next_sibling = id,
        }
    }

    /// Joins `text` to node `id` when that is text, as browsers keep no two text nodes side
    /// by side; false when it is not (or is none).
    fn join_text(&mut self, id: NodeId, text: &StrTendril) -> bool {
        match self.nodes.get_mut(id).map(|node| &mut node.data) {
            Some(Data::Text(t)) => {
                t.push_tendril(text);
                true
            }
            _ => false,
        }
    }
}

/// Attributes repeated `<html>` and `<body>` tags may add to the first one's.
const MAX_MERGED_ATTRIBUTES: usize = 1000;

/// Builds the [`Tree`] for html5ever's tree builder, counting the nodes it is asked to make
/// (a text appended may join the text before it: counted all the same, an upper bound).
pub struct Sink {
    tree: RefCell<Tree>,
    /// Nodes made so far, attributes included (each costs memory like a small node).
    pub nodes: Rc<Cell<usize>>,
    /// The parent the last text went to, when nothing was put anywhere since: more text
    /// there joins that text node (a run of `&nbsp;` is one node, not one each).
    text_parent: Cell<Option<NodeId>>,
    /// Attributes merged into elements already made (repeated `<html>`, `<body>`).
    merged: Cell<usize>,
    /// The line of the page the token being built from stands on.
    line: Cell<u32>,
    /// The text put into the tree, in order, each piece on its line.
    pub inserted: Rc<RefCell<Text>>,
}

impl Sink {
    /// A sink whose node count starts at `nodes`.
    pub fn new(nodes: Rc<Cell<usize>>, inserted: Rc<RefCell<Text>>) -> Sink {
        let mut tree = Tree { nodes: Vec::new() };
        tree.push(Data::Other);
        Sink {
            tree: RefCell::new(tree),
            nodes,
            text_parent: Cell::new(None),
            merged: Cell::new(0),
            line: Cell::new(1),
            inserted,
        }
    }

    fn count(&self, n: usize) {
        self.nodes.set(self.nodes.get() + n);
    }

    /// Keeps text put into the tree with its line.
    fn note_text(&self, child: &NodeOrText<NodeId>) {
        if let NodeOrText::AppendText(t) = child {
            self.inserted
                .borrow_mut()
                .push_str(t, Some(Src::line(self.line.get())));
        }
    }

    /// Counts what an append may add: a node, or text that may join the text before it.
    fn count_append(&self, parent: NodeId, child: &NodeOrText<NodeId>) {
        let joins =
            matches!(child, NodeOrText::AppendText(_)) && self.text_parent.get() == Some(parent);
        if !joins {
            self.count(1);
        }
        self.text_parent.set(match child {
            NodeOrText::AppendText(_) => Some(parent),
            NodeOrText::AppendNode(_) => None,
        });
    }

    /// `child` put last under `parent`; text joins text there.
    fn put_in(&self, parent: NodeId, child: NodeOrText<NodeId>) {
        let mut tree = self.tree.borrow_mut();
        match child {
            NodeOrText::AppendNode(id) => {
                tree.detach(id);
                tree.append(parent, id);
            }
            NodeOrText::AppendText(text) => {
                let last = tree.nodes[parent].last_child;
                if !tree.join_text(last, &text) {
                    let id = tree.push(Data::Text(text));
                    tree.append(parent, id);
                }
            }
        }
    }

    /// `child` put right before `sibling` when that has a parent (else nowhere: a node is
    /// taken from where it was all the same); text joins text before it.
    fn put_before(&self, sibling: NodeId, child: NodeOrText<NodeId>) {
        let mut tree = self.tree.borrow_mut();
        if let NodeOrText::AppendNode(id) = child {
            tree.detach(id);
        }
        if tree.nodes[sibling].parent == NONE {
            return;
        }
        match child {
            NodeOrText::AppendNode(id) => tree.insert_before(sibling, id),
            NodeOrText::AppendText(text) => {
                let prev = tree.nodes[sibling].prev_sibling;
                if !tree.join_text(prev, &text) {
                    let id = tree.push(Data::Text(text));
                    tree.insert_before(sibling, id);
                }
            }
        }
    }
}

/// What [`Sink::elem_name`] names a node that is not an element (the tree builder asks only
/// of elements).
static NOT_AN_ELEMENT: QualName = QualName {
    prefix: None,
    ns: ns!(),
    local: local_name!(""),
};

impl TreeSink for Sink {
    type Handle = NodeId;
    type Output = Tree;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Tree {
        self.tree.into_inner()
    }
    /// Not kept: a page of millions of stray tags has millions of them, and nothing reads
    /// them.
    fn parse_error(&self, _msg: Cow<'static, str>) {}
    fn get_document(&self) -> NodeId {
        0
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        Ref::map(self.tree.borrow(), |tree| match &tree.nodes[*target].data {
            Data::Element(e) => &e.name,
            _ => &NOT_AN_ELEMENT,
        })
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> NodeId {
        self.count(1 + attrs.len());
        let template = name.expanded() == html5ever::expanded_name!(html "template");
        let mut element = Element { name, read: None };
        for attribute in attrs {
            element.add(attribute);
        }
        let mut tree = self.tree.borrow_mut();
        let id = tree.push(Data::Element(element));
        if template {
            // Its contents: a node of their own, its first child.
            let contents = tree.push(Data::Other);
            tree.append(id, contents);
        }
        id
    }
    fn create_comment(&self, _text: StrTendril) -> NodeId {
        self.count(1);
        self.tree.borrow_mut().push(Data::Other)
    }
    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        self.count(1);
        self.tree.borrow_mut().push(Data::Other)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.count_append(*parent, &child);
        self.note_text(&child);
        self.put_in(*parent, child);
    }
    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        self.count(1);
        self.note_text(&child);
        self.text_parent.set(None);
        if self.tree.borrow().nodes[*element].parent == NONE {
            self.put_in(*prev, child);
        } else {
            self.put_before(*element, child);
        }
    }
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {
        self.count(1);
        let mut tree = self.tree.borrow_mut();
        let id = tree.push(Data::Other);
        tree.append(0, id);
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        match self.tree.borrow().nodes[*target].first_child {
            NONE => *target,
            contents => contents,
        }
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }
    fn set_quirks_mode(&self, _mode: QuirksMode) {}
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.count(1);
        self.note_text(&new_node);
        self.text_parent.set(None);
        self.put_before(*sibling, new_node);
    }
    fn add_attrs_if_missing(&self, target: &NodeId, mut attrs: Vec<Attribute>) {
        // Each repeated `<html>`/`<body>` tag merges its attributes into the first one's:
        // beyond a few it is no page's markup.
        attrs.truncate(MAX_MERGED_ATTRIBUTES.saturating_sub(self.merged.get()));
        self.merged.set(self.merged.get() + attrs.len());
        self.count(attrs.len());
        if let Data::Element(e) = &mut self.tree.borrow_mut().nodes[*target].data {
            for attribute in attrs {
                e.add(attribute);
            }
        }
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.text_parent.set(None);
        self.tree.borrow_mut().detach(*target);
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.text_parent.set(None);
        let mut tree = self.tree.borrow_mut();
        while let Some(child) = Some(tree.nodes[*node].first_child).filter(|&c| c != NONE) {
            tree.detach(child);
            tree.append(*new_parent, child);
        }
    }
    fn set_current_line(&self, line_number: u64) {
        self.line
            .set(u32::try_from(line_number).unwrap_or(u32::MAX));
    }
}

#[cfg(test)]
mod tests {
    use html5ever::tendril::TendrilSink;

    use super::*;

    /// The attributes the reader reads, as [`Element`] keeps them.
    const READ: [&str; 5] = ["class", "id", "src", "colspan", "rowspan"];

    /// The tree as edges: elements with the attributes read, text, other nodes.
    fn ours(html: &str) -> Vec<String> {
        let sink = Sink::new(
            Rc::new(Cell::new(0)),
            Rc::new(RefCell::new(Text::default())),
        );
        let tree = html5ever::driver::parse_document(sink, Default::default()).one(html);
        tree.traverse(0)
            .map(|edge| match edge {
                Edge::Open(n) => match &tree.node(n).data {
                    Data::Element(e) => {
                        let read = [
                            Read::Class,
                            Read::Id,
                            Read::Src,
                            Read::Colspan,
                            Read::Rowspan,
                        ];
                        format!("<{} {:?}", e.name(), read.map(|a| e.attribute(a)))
                    }
                    Data::Text(t) => format!("{:?}", &**t),
                    Data::Other => "other".into(),
                },
                Edge::Close(_) => ">".into(),
            })
            .collect()
    }

    /// The same of the tree `scraper` builds, which this reader read before.
    fn scrapers(html: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(html);
        doc.tree
            .root()
            .traverse()
            .map(|edge| match edge {
                ego_tree::iter::Edge::Open(n) => match n.value() {
                    scraper::Node::Element(e) => {
                        let read = READ.map(|name| {
                            e.attrs
                                .iter()
                                .find(|(q, _)| {
                                    q.prefix.is_none() && q.ns.is_empty() && &*q.local == name
                                })
                                .map(|(_, v)| &**v)
                        });
                        format!("<{} {:?}", e.name(), read)
                    }
                    scraper::Node::Text(t) => format!("{:?}", &**t),
                    _ => "other".into(),
                },
                ego_tree::iter::Edge::Close(_) => ">".into(),
            })
            .collect()
    }

    #[test]
    fn the_tree_is_scrapers_but_for_attributes_not_read() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
        let mut pages = Vec::new();
        for case in std::fs::read_dir(&root).unwrap() {
            let path = case.unwrap().path().join("input.html");
            if let Ok(bytes) = std::fs::read(&path) {
                pages.push(super::super::decode_html(&bytes).unwrap().0.text);
            }
        }
        assert_eq!(pages.len(), 6, "the golden HTML pages");
        // What the tree builder moves, merges and reopens.
        pages.extend(
            [
                "<!DOCTYPE html><html class=a><body id=b>x<body class=c id=d src=e>y</body>",
                "<table class=t>a<tr><td colspan=2 rowspan=x>1</td>b</tr>c</table>d",
                "<b class=x>1<p id=p>2</b>3</p><a href=1>4<a src=2>5</a>",
                "<p><b><i>1</p>2<table><tr><td>3<b>4</td></tr></table>5",
                "<template class=t><td>1</td>text</template><!-- c --><?pi x?>",
                "<div>a<span>b<div>c</span>d</div>e<svg class=s><title>t</title></svg>",
                "<table><tr><td>1<table><tr><td>2</table>3</table><select><option>x<table>",
                "<ul><li>a<li>b</ul><dl><dt>c<dd>d</dl><frameset><frame></frameset>",
                "<h1>a<h2>b</h1>c</h2><form><form><input type=hidden>1</form>2",
            ]
            .map(String::from),
        );
        for page in &pages {
            assert_eq!(
                ours(page),
                scrapers(page),
                "{}",
                &page[..page.len().min(80)]
            );
        }
    }
}
