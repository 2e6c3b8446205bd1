//! Helpers shared by the integration tests: a compact S-expression printer
//! for expressions, so that a test can state a tree's shape in one line.

#![allow(dead_code)]

use gos_syntax::ast::*;

/// The statements of the body of the first function in `src`.
pub fn stmts_of(src: &str) -> Block {
    let program = gos_syntax::parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    for item in program.items {
        if let ItemKind::Fn(f) = item.kind {
            return f.body.expect("a body");
        }
    }
    panic!("no function in {src}")
}

/// Parses `fn main() { <src> }` and returns the block's tail, or the
/// single expression statement.
pub fn expr_of(src: &str) -> Expr {
    let block = stmts_of(&format!("fn main() {{ {src} }}"));
    if let Some(tail) = block.tail {
        return *tail;
    }
    match block.stmts.into_iter().next().map(|s| s.kind) {
        Some(StmtKind::Expr { expr, .. }) => expr,
        other => panic!("not an expression: {other:?}"),
    }
}

pub fn path(p: &Path) -> String {
    p.segments
        .iter()
        .map(|s| {
            if s.generics.is_empty() {
                s.ident.name.clone()
            } else {
                format!("{}<{}>", s.ident.name, s.generics.iter().map(ty).collect::<Vec<_>>().join(","))
            }
        })
        .collect::<Vec<_>>()
        .join("::")
}

pub fn ty(t: &TypeExpr) -> String {
    match &t.kind {
        TypeExprKind::Path(p) => path(p),
        TypeExprKind::Ref { mutable, inner } => {
            format!("&{}{}", if *mutable { "mut " } else { "" }, ty(inner))
        }
        TypeExprKind::Slice(t) => format!("[{}]", ty(t)),
        TypeExprKind::Array(t, n) => format!("[{};{}]", ty(t), sexp(n)),
        TypeExprKind::Tuple(ts) => format!("({})", ts.iter().map(ty).collect::<Vec<_>>().join(",")),
        TypeExprKind::FnPtr { params, ret } => format!(
            "fn({}){}",
            params.iter().map(ty).collect::<Vec<_>>().join(","),
            ret.as_ref().map(|r| format!("->{}", ty(r))).unwrap_or_default()
        ),
        TypeExprKind::Closure { params, ret } => format!(
            "Fn({}){}",
            params.iter().map(ty).collect::<Vec<_>>().join(","),
            ret.as_ref().map(|r| format!("->{}", ty(r))).unwrap_or_default()
        ),
        TypeExprKind::Infer => "_".into(),
        TypeExprKind::Never => "!".into(),
    }
}

pub fn pat(p: &Pattern) -> String {
    match &p.kind {
        PatternKind::Wild => "_".into(),
        PatternKind::Rest => "..".into(),
        PatternKind::Ident { name, mutable, by_ref, sub } => format!(
            "{}{}{}{}",
            if *by_ref { "ref " } else { "" },
            if *mutable { "mut " } else { "" },
            name.name,
            sub.as_ref().map(|s| format!("@{}", pat(s))).unwrap_or_default()
        ),
        PatternKind::Lit(e) => sexp(e),
        PatternKind::Range { lo, hi, inclusive } => format!(
            "{}{}{}",
            lo.as_ref().map(|e| sexp(e)).unwrap_or_default(),
            if *inclusive { "..=" } else { ".." },
            hi.as_ref().map(|e| sexp(e)).unwrap_or_default()
        ),
        PatternKind::Tuple(ps) => format!("({})", ps.iter().map(pat).collect::<Vec<_>>().join(",")),
        PatternKind::Path(p) => path(p),
        PatternKind::TupleStruct { path: p, elems } => {
            format!("{}({})", path(p), elems.iter().map(pat).collect::<Vec<_>>().join(","))
        }
        PatternKind::Struct { path: p, fields, rest } => format!(
            "{}{{{}{}}}",
            path(p),
            fields
                .iter()
                .map(|f| match &f.pat {
                    Some(q) => format!("{}:{}", f.name.name, pat(q)),
                    None => f.name.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(","),
            if *rest { ",.." } else { "" }
        ),
        PatternKind::Or(ps) => ps.iter().map(pat).collect::<Vec<_>>().join("|"),
        PatternKind::Ref(p) => format!("&{}", pat(p)),
    }
}

fn list(es: &[Expr]) -> String {
    es.iter().map(sexp).collect::<Vec<_>>().join(" ")
}

fn block(b: &Block) -> String {
    let mut parts: Vec<String> = b
        .stmts
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Let { pat: p, ty: t, init } => format!(
                "(let {}{}{})",
                pat(p),
                t.as_ref().map(|t| format!(":{}", ty(t))).unwrap_or_default(),
                init.as_ref().map(|e| format!(" {}", sexp(e))).unwrap_or_default()
            ),
            StmtKind::Expr { expr, semi } => {
                format!("{}{}", sexp(expr), if *semi { ";" } else { "" })
            }
            StmtKind::Item(_) => "item".into(),
        })
        .collect();
    if let Some(t) = &b.tail {
        parts.push(sexp(t));
    }
    format!("{{{}}}", parts.join(" "))
}

fn binop(op: BinOp) -> &'static str {
    use BinOp::*;
    match op {
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        Rem => "%",
        BitAnd => "&",
        BitOr => "|",
        BitXor => "^",
        Shl => "<<",
        Shr => ">>",
        Eq => "==",
        Ne => "!=",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        And => "&&",
        Or => "||",
    }
}

/// A compact, fully parenthesised rendering of an expression.
pub fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Lit(l) => match l {
            Lit::Int { value, suffix } => format!("{value}{}", suffix.as_deref().unwrap_or("")),
            Lit::Float { text, suffix } => format!("{text}{}", suffix.as_deref().unwrap_or("")),
            Lit::Bool(b) => b.to_string(),
            Lit::Char(c) => format!("{c:?}"),
            Lit::Byte(b) => format!("b{b}"),
            Lit::Str(s) => format!("{s:?}"),
        },
        ExprKind::Path(p) => path(p),
        ExprKind::Unary { op, expr } => {
            let o = match op {
                UnOp::Neg => "-",
                UnOp::Not => "!",
                UnOp::Deref => "*",
                UnOp::Ref => "&",
                UnOp::RefMut => "&mut",
            };
            format!("({o} {})", sexp(expr))
        }
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", binop(*op), sexp(lhs), sexp(rhs))
        }
        ExprKind::Assign { lhs, rhs } => format!("(= {} {})", sexp(lhs), sexp(rhs)),
        ExprKind::AssignOp { op, lhs, rhs } => {
            format!("({}= {} {})", binop(*op), sexp(lhs), sexp(rhs))
        }
        ExprKind::Call { callee, args } => {
            format!("(call {}{}{})", sexp(callee), if args.is_empty() { "" } else { " " }, list(args))
        }
        ExprKind::MethodCall { receiver, method, turbofish, args } => format!(
            "(.{}{} {}{}{})",
            method.name,
            if turbofish.is_empty() {
                String::new()
            } else {
                format!("::<{}>", turbofish.iter().map(ty).collect::<Vec<_>>().join(","))
            },
            sexp(receiver),
            if args.is_empty() { "" } else { " " },
            list(args)
        ),
        ExprKind::Field { expr, name } => format!("(. {} {})", sexp(expr), name.name),
        ExprKind::TupleField { expr, index, .. } => format!("(. {} {index})", sexp(expr)),
        ExprKind::Index { expr, index } => format!("(index {} {})", sexp(expr), sexp(index)),
        ExprKind::StructLit { path: p, fields, base } => format!(
            "(struct {}{}{})",
            path(p),
            fields
                .iter()
                .map(|f| if f.shorthand {
                    format!(" {}", f.name.name)
                } else {
                    format!(" {}:{}", f.name.name, sexp(&f.value))
                })
                .collect::<String>(),
            base.as_ref().map(|b| format!(" ..{}", sexp(b))).unwrap_or_default()
        ),
        ExprKind::Tuple(es) => format!("(tuple{}{})", if es.is_empty() { "" } else { " " }, list(es)),
        ExprKind::Array(es) => format!("[{}]", list(es)),
        ExprKind::ArrayRepeat { value, count } => format!("[{}; {}]", sexp(value), sexp(count)),
        ExprKind::MacroCall { kind, args, repeat } => {
            format!("({kind:?}!{} {})", if *repeat { ";" } else { "" }, list(args))
        }
        ExprKind::Block(b) => block(b),
        ExprKind::If { cond, then, else_ } => format!(
            "(if {} {}{})",
            sexp(cond),
            block(then),
            else_.as_ref().map(|e| format!(" else {}", sexp(e))).unwrap_or_default()
        ),
        ExprKind::IfLet { pat: p, expr, then, else_ } => format!(
            "(if-let {} {} {}{})",
            pat(p),
            sexp(expr),
            block(then),
            else_.as_ref().map(|e| format!(" else {}", sexp(e))).unwrap_or_default()
        ),
        ExprKind::While { label, cond, body } => {
            format!("({}while {} {})", label_of(label), sexp(cond), block(body))
        }
        ExprKind::WhileLet { label, pat: p, expr, body } => {
            format!("({}while-let {} {} {})", label_of(label), pat(p), sexp(expr), block(body))
        }
        ExprKind::Loop { label, body } => format!("({}loop {})", label_of(label), block(body)),
        ExprKind::For { label, pat: p, iter, body } => {
            format!("({}for {} {} {})", label_of(label), pat(p), sexp(iter), block(body))
        }
        ExprKind::Match { scrutinee, arms } => format!(
            "(match {}{})",
            sexp(scrutinee),
            arms.iter()
                .map(|a| format!(
                    " ({}{} => {})",
                    pat(&a.pat),
                    a.guard.as_ref().map(|g| format!(" if {}", sexp(g))).unwrap_or_default(),
                    sexp(&a.body)
                ))
                .collect::<String>()
        ),
        ExprKind::Closure { is_move, params, ret, body } => format!(
            "({}|{}|{} {})",
            if *is_move { "move " } else { "" },
            params
                .iter()
                .map(|p| format!("{}{}", pat(&p.pat), p.ty.as_ref().map(|t| format!(":{}", ty(t))).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(","),
            ret.as_ref().map(|r| format!(" -> {}", ty(r))).unwrap_or_default(),
            sexp(body)
        ),
        ExprKind::Break { label, value } => format!(
            "(break{}{})",
            label.as_ref().map(|l| format!(" '{}", l.name)).unwrap_or_default(),
            value.as_ref().map(|v| format!(" {}", sexp(v))).unwrap_or_default()
        ),
        ExprKind::Continue { label } => {
            format!("(continue{})", label.as_ref().map(|l| format!(" '{}", l.name)).unwrap_or_default())
        }
        ExprKind::Return(v) => format!("(return{})", v.as_ref().map(|v| format!(" {}", sexp(v))).unwrap_or_default()),
        ExprKind::Try(e) => format!("(? {})", sexp(e)),
        ExprKind::Cast { expr, ty: t } => format!("(as {} {})", sexp(expr), ty(t)),
        ExprKind::Range { lo, hi, inclusive } => format!(
            "({} {} {})",
            if *inclusive { "..=" } else { ".." },
            lo.as_ref().map(|e| sexp(e)).unwrap_or_else(|| "_".into()),
            hi.as_ref().map(|e| sexp(e)).unwrap_or_else(|| "_".into())
        ),
        ExprKind::Pipe { lhs, rhs } => format!("(|> {} {})", sexp(lhs), sexp(rhs)),
        ExprKind::Go(e) => format!("(go {})", sexp(e)),
        ExprKind::Defer(e) => format!("(defer {})", sexp(e)),
        ExprKind::Select(arms) => format!(
            "(select{})",
            arms.iter()
                .map(|a| {
                    let head = match &a.kind {
                        SelectArmKind::Recv { binding, rx } => format!(
                            "recv{} {}",
                            binding.as_ref().map(|b| format!(" {}", pat(b))).unwrap_or_default(),
                            sexp(rx)
                        ),
                        SelectArmKind::Send { tx, value } => {
                            format!("send {} {}", sexp(tx), sexp(value))
                        }
                        SelectArmKind::Default => "default".into(),
                    };
                    format!(" ({head} => {})", sexp(&a.body))
                })
                .collect::<String>()
        ),
        ExprKind::Error => "error".into(),
    }
}

fn label_of(l: &Option<Ident>) -> String {
    l.as_ref().map(|l| format!("'{}: ", l.name)).unwrap_or_default()
}
