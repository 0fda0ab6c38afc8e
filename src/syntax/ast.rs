//! The syntax tree of one `.pxi` file. Every node carries the [`Span`] it came from;
//! names are not resolved and values are not checked against any schema yet (that is
//! `check`'s job). Literals are already validated: an [`ExprKind::Int`] fits `u64`, an
//! [`ExprKind::Ipv4`] has four octets in range.

use crate::source::{FileId, Span};
use std::net::Ipv4Addr;

/// A parsed file: its items in source order, and its comments on the side (a formatter
/// re-attaches them by position; later phases ignore them).
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub file: FileId,
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

/// `# text`, with the `#`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// Something at the top level of a file or inside a `for` body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Use(Use),
    Decl(Decl),
    For(For),
}

/// `use std.os`
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub path: Path,
    pub span: Span,
}

/// `for i in 1..=3 { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct For {
    pub var: Ident,
    pub iterable: Expr,
    pub items: Vec<Item>,
    pub span: Span,
}

/// The kinds of top-level declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeclKind {
    Cluster,
    Network,
    Host,
    /// An OS image: a cloud image, an installer ISO or a container template.
    Image,
    Template,
    Profile,
    Role,
    Vm,
    Container,
    Pool,
}

impl DeclKind {
    pub const ALL: [DeclKind; 10] = [
        DeclKind::Cluster,
        DeclKind::Network,
        DeclKind::Host,
        DeclKind::Image,
        DeclKind::Template,
        DeclKind::Profile,
        DeclKind::Role,
        DeclKind::Vm,
        DeclKind::Container,
        DeclKind::Pool,
    ];

    /// The keyword as written in source.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Cluster => "cluster",
            DeclKind::Network => "network",
            DeclKind::Host => "host",
            DeclKind::Image => "image",
            DeclKind::Template => "template",
            DeclKind::Profile => "profile",
            DeclKind::Role => "role",
            DeclKind::Vm => "vm",
            DeclKind::Container => "container",
            DeclKind::Pool => "pool",
        }
    }

    pub fn from_keyword(word: &str) -> Option<DeclKind> {
        DeclKind::ALL.into_iter().find(|k| k.keyword() == word)
    }
}

/// `vm web-01 : small { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub kind: DeclKind,
    pub kind_span: Span,
    pub name: Name,
    /// Profiles to inherit from, left to right.
    pub parents: Vec<Path>,
    pub body: Body,
    pub span: Span,
}

/// The name of a declaration or the label of a block: a bare name, or a string that may
/// interpolate (`"worker-${i}"`).
#[derive(Clone, Debug, PartialEq)]
pub enum Name {
    Ident(Ident),
    Str(StrLit),
}

impl Name {
    pub fn span(&self) -> Span {
        match self {
            Name::Ident(i) => i.span,
            Name::Str(s) => s.span,
        }
    }
}

/// `{ … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub members: Vec<Member>,
    pub span: Span,
}

/// What a body holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    Attr(Attr),
    Block(Block),
}

/// `cores = 4`
#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    pub key: Key,
    pub value: Expr,
    pub span: Span,
}

/// An attribute's key: a name, or a string for keys that are not names.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    Ident(Ident),
    Str(StrLit),
}

impl Key {
    pub fn span(&self) -> Span {
        match self {
            Key::Ident(i) => i.span,
            Key::Str(s) => s.span,
        }
    }
}

/// A nested block: `firewall { … }`, `bridge vmbr0 { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: Ident,
    pub label: Option<Name>,
    pub body: Body,
    pub span: Span,
}

/// A name as written: `web-01`.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// Names are short: kept inline, without an allocation each.
    pub name: compact_str::CompactString,
    pub span: Span,
}

/// A dotted name: `roles.base`.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// `roles.base`
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(".")
    }
}

/// A value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The binary size units, all powers of 1024.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SizeUnit {
    KiB,
    MiB,
    GiB,
    TiB,
    PiB,
}

impl SizeUnit {
    pub const ALL: [SizeUnit; 5] = [
        SizeUnit::KiB,
        SizeUnit::MiB,
        SizeUnit::GiB,
        SizeUnit::TiB,
        SizeUnit::PiB,
    ];

    pub fn bytes(self) -> u64 {
        match self {
            SizeUnit::KiB => 1 << 10,
            SizeUnit::MiB => 1 << 20,
            SizeUnit::GiB => 1 << 30,
            SizeUnit::TiB => 1 << 40,
            SizeUnit::PiB => 1 << 50,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            SizeUnit::KiB => "KiB",
            SizeUnit::MiB => "MiB",
            SizeUnit::GiB => "GiB",
            SizeUnit::TiB => "TiB",
            SizeUnit::PiB => "PiB",
        }
    }

    pub fn from_symbol(symbol: &str) -> Option<SizeUnit> {
        SizeUnit::ALL.into_iter().find(|u| u.symbol() == symbol)
    }
}

/// Whether a range includes its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeEnd {
    /// `a .. b`
    HalfOpen,
    /// `a ..= b`
    Inclusive,
}

/// The forms a value takes.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Str(StrLit),
    Int(u64),
    Bool(bool),
    /// A size as written (`4GiB` is `count = 4, unit = GiB`); [`ExprKind::size_bytes`]
    /// gives bytes, which always fit `u64`.
    Size {
        count: u64,
        unit: SizeUnit,
    },
    Ipv4(Ipv4Addr),
    Cidr {
        addr: Ipv4Addr,
        prefix: u8,
    },
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        bound: RangeEnd,
    },
    List(Vec<Expr>),
    /// A reference to something declared: `pve1`, `roles.base`.
    Ref(Path),
    /// `env("X")`, `file("keys/admin.pub")`. (The name is boxed: calls are rare, and
    /// every other value is smaller.)
    Call {
        func: Box<Path>,
        args: Vec<Expr>,
    },
    /// `auto`: let pxic choose (a VMID, an address).
    Auto,
    /// A literal that was reported as invalid; later phases skip it silently.
    Invalid,
}

impl ExprKind {
    pub fn size_bytes(&self) -> Option<u64> {
        match self {
            ExprKind::Size { count, unit } => count.checked_mul(unit.bytes()),
            _ => None,
        }
    }
}

/// `"text ${expr} more"`, split into its literal text and interpolations.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub parts: Vec<StrPart>,
    pub span: Span,
}

impl StrLit {
    /// The text, when the string has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(_) => return None,
            }
        }
        Some(out)
    }
}

/// A piece of a string: text with escapes already decoded, or an interpolation. (Text
/// of up to 24 bytes, most of it, is kept inline: a large project has many strings.)
#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Text(compact_str::CompactString),
    Interp(Box<Expr>),
}
