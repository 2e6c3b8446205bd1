//! Tests of the natives through `call_intrinsic`, the way the VM calls them.

use super::*;
use crate::strings::{str_as_str, str_from};
use crate::testutil::*;
use gos_abi::Intrinsic as I;

fn call(op: Intrinsic, args: &[u64], arg_tys: &[TypeId], ret: TypeId) -> u64 {
    setup();
    unsafe { call_intrinsic(op, args, arg_tys, ret, &SITE) }
}

fn s(text: &str) -> u64 {
    str_from(text)
}

fn text(v: u64) -> String {
    unsafe { str_as_str(v).to_string() }
}

fn strs(v: u64) -> Vec<String> {
    unsafe { vec_slice(v).iter().map(|&w| str_as_str(w).to_string()).collect() }
}

fn words(v: u64) -> Vec<u64> {
    unsafe { vec_slice(v).to_vec() }
}

/// `Some(x)` → `Some(word)`, `None` → `None`.
fn opt(v: u64) -> Option<u64> {
    unsafe { (enum_tag(v) == 1).then(|| enum_field(v, 0)) }
}

/// `Ok(x)` → `Ok(word)`, `Err(e)` → `Err(text)`.
fn res(v: u64) -> Result<u64, String> {
    unsafe {
        if enum_tag(v) == 0 {
            Ok(enum_field(v, 0))
        } else {
            Err(text(enum_field(v, 0)))
        }
    }
}

#[test]
fn string_queries() {
    let h = s("héllo wörld");
    assert_eq!(call(I::StrLen, &[h], &[T_STR], T_I64), 13);
    assert_eq!(call(I::StrByteAt, &[h, 0], &[T_STR, T_I64], T_U8), b'h' as u64);
    assert_eq!(call(I::StrContains, &[h, s("wö")], &[T_STR, T_STR], T_BOOL), 1);
    assert_eq!(call(I::StrStartsWith, &[h, s("hé")], &[T_STR, T_STR], T_BOOL), 1);
    assert_eq!(call(I::StrEndsWith, &[h, s("x")], &[T_STR, T_STR], T_BOOL), 0);
    assert_eq!(opt(call(I::StrFind, &[h, s("wö")], &[T_STR, T_STR], T_OPT_I64)), Some(7));
    assert_eq!(opt(call(I::StrFind, &[h, s("zz")], &[T_STR, T_STR], T_OPT_I64)), None);
    assert_eq!(call(I::StrCharAt, &[h, 1], &[T_STR, T_I64], T_CHAR), 'é' as u64);
    assert_eq!(text(call(I::StrSlice, &[h, 7, 13], &[T_STR, T_I64, T_I64], T_STR)), "wörld");
}

#[test]
#[should_panic(expected = "byte index 1 is not a char boundary; it is inside 'é' (bytes 0..2) of `é`")]
fn slice_inside_a_char_panics_with_rusts_message() {
    call(I::StrSlice, &[s("é"), 1, 2], &[T_STR, T_I64, T_I64], T_STR);
}

#[test]
#[should_panic(expected = "runtime error: slice bounds out of range [:5] with length 3")]
fn slice_out_of_range_panics_with_gos_message() {
    call(I::StrSlice, &[s("abc"), 0, 5], &[T_STR, T_I64, T_I64], T_STR);
}

#[test]
#[should_panic(expected = "runtime error: index out of range [3] with length 3")]
fn byte_at_out_of_range_panics() {
    call(I::StrByteAt, &[s("abc"), 3], &[T_STR, T_I64], T_U8);
}

#[test]
fn string_transformations() {
    assert_eq!(text(call(I::StrToUpper, &[s("straße ǆ")], &[T_STR], T_STR)), "STRASSE Ǆ");
    assert_eq!(text(call(I::StrToLower, &[s("ὈΔΥΣΣΕΎΣ")], &[T_STR], T_STR)), "ὀδυσσεύς");
    assert_eq!(text(call(I::StrToUpper, &[s("ABC1")], &[T_STR], T_STR)), "ABC1");
    assert_eq!(text(call(I::StrTrim, &[s(" \t a b \n")], &[T_STR], T_STR)), "a b");
    assert_eq!(text(call(I::StrTrimStart, &[s("  a ")], &[T_STR], T_STR)), "a ");
    assert_eq!(text(call(I::StrTrimEnd, &[s("  a ")], &[T_STR], T_STR)), "  a");
    assert_eq!(text(call(I::StrReplace, &[s("a-b-c"), s("-"), s("+")], &[T_STR; 3], T_STR)), "a+b+c");
    assert_eq!(text(call(I::StrReplace, &[s("ab"), s(""), s("|")], &[T_STR; 3], T_STR)), "|a|b|");
    assert_eq!(text(call(I::StrRepeat, &[s("ab"), 3], &[T_STR, T_I64], T_STR)), "ababab");
    assert_eq!(text(call(I::StrRepeat, &[s("ab"), 0], &[T_STR, T_I64], T_STR)), "");
}

#[test]
fn splitting_follows_rust() {
    let split = |a: &str, sep: &str| strs(call(I::StrSplit, &[s(a), s(sep)], &[T_STR, T_STR], T_VEC_STR));
    assert_eq!(split("a,b,,c", ","), ["a", "b", "", "c"]);
    assert_eq!(split("", ","), [""]);
    assert_eq!(split("abc", ""), ["", "a", "b", "c", ""]);
    assert_eq!(split("a::b", "::"), ["a", "b"]);
    let ws = strs(call(I::StrSplitWhitespace, &[s("  a \t b\n c  ")], &[T_STR], T_VEC_STR));
    assert_eq!(ws, ["a", "b", "c"]);
    let lines = strs(call(I::StrLines, &[s("one\r\ntwo\n\nthree\n")], &[T_STR], T_VEC_STR));
    assert_eq!(lines, ["one", "two", "", "three"]);
    let chars = words(call(I::StrChars, &[s("aé😀")], &[T_STR], T_VEC_CHAR));
    assert_eq!(chars, ['a' as u64, 'é' as u64, '😀' as u64]);
    let bytes = words(call(I::StrBytes, &[s("aé")], &[T_STR], T_VEC_U8));
    assert_eq!(bytes, [0x61, 0xc3, 0xa9]);
    let v = crate::vec::vec_from(T_VEC_CHAR, &['h' as u64, 'é' as u64]);
    assert_eq!(text(call(I::StrFromChars, &[v], &[T_VEC_CHAR], T_STR)), "hé");
    let b = crate::vec::vec_from(T_VEC_U8, &[0x61, 0xff, 0x62]);
    assert_eq!(text(call(I::StrFromUtf8Lossy, &[b], &[T_VEC_U8], T_STR)), "a\u{FFFD}b");
    let parts = crate::vec::vec_from(T_VEC_STR, &[s("a"), s("b"), s("c")]);
    assert_eq!(text(call(I::VecJoin, &[parts, s(", ")], &[T_VEC_STR, T_STR], T_STR)), "a, b, c");
}

#[test]
fn parsing_uses_rusts_error_texts() {
    let p = |t: &str, ret: TypeId| res(call(I::StrParse, &[s(t)], &[T_STR], ret));
    assert_eq!(p("42", T_RES_I64_STR), Ok(42));
    assert_eq!(p("-7", T_RES_I64_STR), Ok((-7i64) as u64));
    assert_eq!(p("+7", T_RES_I64_STR), Ok(7));
    assert_eq!(p("4x", T_RES_I64_STR), Err("invalid digit found in string".into()));
    assert_eq!(p("", T_RES_I64_STR), Err("cannot parse integer from empty string".into()));
    assert_eq!(p("99999999999999999999", T_RES_I64_STR), Err("number too large to fit in target type".into()));
    assert_eq!(p("-129", T_RES_I8_STR), Err("number too small to fit in target type".into()));
    assert_eq!(p("-1", T_RES_I8_STR), Ok((-1i64) as u64));
    assert_eq!(p("256", T_RES_U8_STR), Err("number too large to fit in target type".into()));
    assert_eq!(p("-1", T_RES_U8_STR), Err("invalid digit found in string".into()));
    assert_eq!(p("2.5", T_RES_F64_STR), Ok(2.5f64.to_bits()));
    assert_eq!(p("1e3", T_RES_F64_STR), Ok(1000f64.to_bits()));
    assert_eq!(p("inf", T_RES_F64_STR), Ok(f64::INFINITY.to_bits()));
    assert_eq!(p("abc", T_RES_F64_STR), Err("invalid float literal".into()));
    assert_eq!(p("", T_RES_F64_STR), Err("cannot parse float from empty string".into()));
    assert_eq!(p("0.1", T_RES_F32_STR), Ok(0.1f32.to_bits() as u64));
    assert_eq!(p("true", T_RES_BOOL_STR), Ok(1));
    assert_eq!(p("yes", T_RES_BOOL_STR), Err("provided string was not `true` or `false`".into()));
}

#[test]
fn chars() {
    let c = |op: Intrinsic, ch: char| call(op, &[ch as u64], &[T_CHAR], T_BOOL);
    assert_eq!(c(I::CharIsAlphabetic, 'é'), 1);
    assert_eq!(c(I::CharIsNumeric, '٣'), 1);
    assert_eq!(c(I::CharIsAsciiDigit, '٣'), 0);
    assert_eq!(c(I::CharIsAlphanumeric, '_'), 0);
    assert_eq!(c(I::CharIsWhitespace, '\u{a0}'), 1);
    assert_eq!(c(I::CharIsUppercase, 'Σ'), 1);
    assert_eq!(c(I::CharIsLowercase, 'Σ'), 0);
    assert_eq!(call(I::CharToUppercase, &['é' as u64], &[T_CHAR], T_CHAR), 'É' as u64);
    assert_eq!(call(I::CharToUppercase, &['ß' as u64], &[T_CHAR], T_CHAR), 'ß' as u64);
    assert_eq!(call(I::CharToLowercase, &['A' as u64], &[T_CHAR], T_CHAR), 'a' as u64);
    assert_eq!(opt(call(I::CharToDigit, &['f' as u64, 16], &[T_CHAR, T_U32], T_OPT_U32)), Some(15));
    assert_eq!(opt(call(I::CharToDigit, &['g' as u64, 16], &[T_CHAR, T_U32], T_OPT_U32)), None);
    assert_eq!(text(call(I::CharToString, &['😀' as u64], &[T_CHAR], T_STR)), "😀");
}

#[test]
fn vectors() {
    let v = call(I::VecNew, &[0], &[T_I64], T_VEC_I64);
    for x in [3u64, 1, 2] {
        call(I::VecPush, &[v, x], &[T_VEC_I64, T_I64], T_UNIT);
    }
    assert_eq!(call(I::VecLen, &[v], &[T_VEC_I64], T_I64), 3);
    assert_eq!(call(I::VecContains, &[v, 2], &[T_VEC_I64, T_I64], T_BOOL), 1);
    call(I::VecSort, &[v], &[T_VEC_I64], T_UNIT);
    assert_eq!(words(v), [1, 2, 3]);
    assert_eq!(opt(call(I::VecPop, &[v], &[T_VEC_I64], T_OPT_I64)), Some(3));
    call(I::VecInsert, &[v, 0, 9], &[T_VEC_I64, T_I64, T_I64], T_UNIT);
    assert_eq!(call(I::VecRemove, &[v, 1], &[T_VEC_I64, T_I64], T_I64), 1);
    assert_eq!(words(v), [9, 2]);
    let r = call(I::VecRepeat, &[7, 3], &[T_I64, T_I64], T_VEC_I64);
    assert_eq!(words(r), [7, 7, 7]);
    let arr = unsafe { new_aggregate(T_ARR_I64_3, &[4, 5, 6]) };
    assert_eq!(words(call(I::ArrayToVec, &[arr], &[T_ARR_I64_3], T_VEC_I64)), [4, 5, 6]);
    // Aggregates read out of a vector slice are copies.
    let p = unsafe { new_aggregate(T_POINT, &[1, 2]) };
    let vp = crate::vec::vec_from(T_VEC_POINT, &[p]);
    let sl = call(I::VecSlice, &[vp, 0, 1], &[T_VEC_POINT, T_I64, T_I64], T_VEC_POINT);
    assert_ne!(words(sl)[0], p);
    unsafe { assert!(crate::value::eq(words(sl)[0], p, T_POINT)) };
    let cap = call(I::VecNew, &[100], &[T_I64], T_VEC_I64);
    assert_eq!(call(I::VecLen, &[cap], &[T_VEC_I64], T_I64), 0);
}

#[test]
#[should_panic(expected = "runtime error: makeslice: cap out of range")]
fn negative_capacity_panics() {
    call(I::VecNew, &[(-1i64) as u64], &[T_I64], T_VEC_I64);
}

#[test]
fn maps_and_sets() {
    let m = call(I::MapNew, &[0], &[T_I64], T_MAP_I64_POINT);
    let p = unsafe { new_aggregate(T_POINT, &[1, 2]) };
    assert_eq!(opt(call(I::MapInsert, &[m, 5, p], &[T_MAP_I64_POINT, T_I64, T_POINT], T_OPT_POINT)), None);
    let got = opt(call(I::MapGet, &[m, 5], &[T_MAP_I64_POINT, T_I64], T_OPT_POINT)).unwrap();
    assert_eq!(got, p, "a map read shares the stored object (its readers copy it out of the Option)");
    assert_eq!(opt(call(I::MapGet, &[m, 6], &[T_MAP_I64_POINT, T_I64], T_OPT_POINT)), None);
    assert_eq!(call(I::MapContains, &[m, 5], &[T_MAP_I64_POINT, T_I64], T_BOOL), 1);
    assert_eq!(call(I::MapLen, &[m], &[T_MAP_I64_POINT], T_I64), 1);
    assert_eq!(opt(call(I::MapRemove, &[m, 5], &[T_MAP_I64_POINT, T_I64], T_OPT_POINT)), Some(p));
    assert_eq!(call(I::MapLen, &[m], &[T_MAP_I64_POINT], T_I64), 0);

    let st = call(I::SetNew, &[0], &[T_I64], T_SET_STR);
    assert_eq!(call(I::SetInsert, &[st, s("a")], &[T_SET_STR, T_STR], T_BOOL), 1);
    assert_eq!(call(I::SetInsert, &[st, s("a")], &[T_SET_STR, T_STR], T_BOOL), 0);
    assert_eq!(call(I::SetInsert, &[st, s("b")], &[T_SET_STR, T_STR], T_BOOL), 1);
    assert_eq!(strs(call(I::SetItems, &[st], &[T_SET_STR], T_VEC_STR)), ["a", "b"]);
    assert_eq!(call(I::SetRemove, &[st, s("a")], &[T_SET_STR, T_STR], T_BOOL), 1);
    assert_eq!(call(I::SetRemove, &[st, s("a")], &[T_SET_STR, T_STR], T_BOOL), 0);
    assert_eq!(call(I::SetContains, &[st, s("b")], &[T_SET_STR, T_STR], T_BOOL), 1);
    call(I::SetClear, &[st], &[T_SET_STR], T_UNIT);
    assert_eq!(call(I::SetLen, &[st], &[T_SET_STR], T_I64), 0);

    let wm = call(I::MapNew, &[0], &[T_I64], T_MAP_STR_I64);
    call(I::MapInsert, &[wm, s("x"), 1], &[T_MAP_STR_I64, T_STR, T_I64], T_OPT_I64);
    call(I::MapInsert, &[wm, s("y"), 2], &[T_MAP_STR_I64, T_STR, T_I64], T_OPT_I64);
    assert_eq!(strs(call(I::MapKeys, &[wm], &[T_MAP_STR_I64], T_VEC_STR)), ["x", "y"]);
    assert_eq!(words(call(I::MapValues, &[wm], &[T_MAP_STR_I64], T_VEC_I64)), [1, 2]);
    assert_eq!(words(call(I::MapEntries, &[wm], &[T_MAP_STR_I64], T_VEC_TUP_STR_I64)).len(), 2);
    call(I::MapClear, &[wm], &[T_MAP_STR_I64], T_UNIT);
    assert_eq!(call(I::MapLen, &[wm], &[T_MAP_STR_I64], T_I64), 0);
}

#[test]
fn math() {
    let f = |x: f64| x.to_bits();
    let g = |w: u64| f64::from_bits(w);
    assert_eq!(g(call(I::Sqrt, &[f(2.0)], &[T_F64], T_F64)), 2f64.sqrt());
    assert_eq!(g(call(I::Round, &[f(-2.5)], &[T_F64], T_F64)), -3.0);
    assert_eq!(g(call(I::Powi, &[f(2.0), 10], &[T_F64, T_I32], T_F64)), 1024.0);
    assert_eq!(g(call(I::FMin, &[f(f64::NAN), f(1.0)], &[T_F64, T_F64], T_F64)), 1.0);
    assert_eq!(g(call(I::Atan2, &[f(1.0), f(1.0)], &[T_F64, T_F64], T_F64)), 1f64.atan2(1.0));
    assert_eq!(call(I::IsNan, &[f(f64::NAN)], &[T_F64], T_BOOL), 1);
    assert_eq!(call(I::ToBits, &[f(1.0)], &[T_F64], T_U64), 1f64.to_bits());
    assert_eq!(call(I::Sqrt, &[4f32.to_bits() as u64], &[T_F32], T_F32), 2f32.to_bits() as u64);
    assert_eq!(call(I::IntAbs, &[i64::MIN as u64], &[T_I64], T_I64), i64::MIN as u64);
    assert_eq!(call(I::IntAbs, &[(-5i64) as u64], &[T_I64], T_I64), 5);
    assert_eq!(call(I::IntPow, &[3, 4], &[T_I64, T_U32], T_I64), 81);
    assert_eq!(call(I::IntPow, &[2, 8], &[T_U8, T_U32], T_U8), 0);
    assert_eq!(call(I::IntPow, &[(-2i64) as u64, 7], &[T_I8, T_U32], T_I8), (-128i64) as u64);
}

#[test]
fn process() {
    assert_eq!(strs(call(I::Args, &[], &[], T_VEC_STR)), ["a1", "a2"]);
    assert_eq!(opt(call(I::Getenv, &[s("GOSSAMER_SURELY_UNSET_VARIABLE")], &[T_STR], T_OPT_STR)), None);
    let path = opt(call(I::Getenv, &[s("PATH")], &[T_STR], T_OPT_STR));
    assert_eq!(path.map(text), std::env::var("PATH").ok());
    let a = call(I::NowNs, &[], &[], T_I64) as i64;
    call(I::SleepMs, &[2], &[T_I64], T_UNIT);
    let b = call(I::NowNs, &[], &[], T_I64) as i64;
    assert!(b - a >= 2_000_000, "slept {} ns", b - a);
    let cell = call(I::CellNew, &[5], &[T_I64], T_BOX_I64);
    unsafe { assert_eq!(field(cell, 0), 5) };
}

#[test]
#[should_panic(expected = "panic: boom")]
fn panic_intrinsic_reports() {
    call(I::Panic, &[s("boom")], &[T_STR], T_UNIT);
}

proptest::proptest! {
    /// The text natives agree with Rust's `str` methods on random input
    /// (including empty patterns, overlapping matches and non-ASCII text).
    #[test]
    fn text_natives_match_rust(t in "[abß΅Σς İ\u{0345}]{0,12}", from in "[ab]{0,2}", to in "[xé]{0,2}", n in 0i64..4) {
        let v = s(&t);
        proptest::prop_assert_eq!(text(call(I::StrReplace, &[v, s(&from), s(&to)], &[T_STR; 3], T_STR)), t.replace(&from, &to));
        proptest::prop_assert_eq!(text(call(I::StrToUpper, &[v], &[T_STR], T_STR)), t.to_uppercase());
        proptest::prop_assert_eq!(text(call(I::StrToLower, &[v], &[T_STR], T_STR)), t.to_lowercase());
        proptest::prop_assert_eq!(text(call(I::StrRepeat, &[v, n as u64], &[T_STR, T_I64], T_STR)), t.repeat(n as usize));
        let parts: Vec<String> = t.split(from.as_str()).map(String::from).collect();
        proptest::prop_assert_eq!(strs(call(I::StrSplit, &[v, s(&from)], &[T_STR, T_STR], T_VEC_STR)), parts);
        proptest::prop_assert_eq!(text(call(I::StrTrim, &[v], &[T_STR], T_STR)), t.trim());
        let chars = call(I::StrChars, &[v], &[T_STR], T_VEC_CHAR);
        proptest::prop_assert_eq!(text(call(I::StrFromChars, &[chars], &[T_VEC_CHAR], T_STR)), t.clone());
    }
}
