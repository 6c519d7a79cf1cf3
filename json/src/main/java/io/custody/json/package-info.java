/**
 * JSON for what Custody reads from outside and what it signs.
 *
 * <p>{@link io.custody.json.Json#parse(byte[])} and {@link io.custody.json.Json#parse(String)}
 * read signed manifests, metadata files and the command line's {@code --json} contracts: input
 * an attacker may have written. They are strict, and every rule is tested against the
 * JSONTestSuite corpus ({@code JsonTestSuiteTest}) and fuzzed ({@code JsonFuzzTest}):
 *
 * <ul>
 *   <li>RFC 8259 grammar and nothing more: no leading zeros, no {@code 1.} or {@code .5}, no
 *       trailing commas, no comments, no unescaped control characters, only the RFC's escapes
 *       with exactly four ASCII hex digits, one value and nothing after it but white space;
 *   <li>a member name repeated in one object is refused (the RFC lets parsers take it, and they
 *       disagree on which value wins: in signed data that ambiguity is an attack);
 *   <li>bytes are UTF-8 and nothing else: malformed, overlong, truncated or surrogate-encoding
 *       sequences and a byte-order mark are refused; escaped surrogates must form a pair;
 *   <li>integers are {@code Long} and must fit 64 bits; other numbers are {@code Double} and must
 *       be finite (one that rounds to zero is read as zero); nothing changes value silently;
 *   <li>nesting is bounded at 64, so depth cannot exhaust the stack.
 * </ul>
 *
 * Every refusal is a {@link io.custody.json.JsonFormatException} with the offset.
 *
 * <p>Why our own parser and not a library's: the grammar is small, the rules above are stricter
 * than any well-kept streaming parser's defaults in one place or another (jackson-core takes lone
 * surrogates and big integers, for instance), and a camera build then carries no JSON library.
 * The proof is the JSONTestSuite corpus, its implementation-defined cases decided one by one in
 * {@code i-decisions.txt}, and the fuzzer.
 *
 * <p>Writing ({@link io.custody.json.Json#object()}, {@link io.custody.json.Json#write(Object)})
 * is deterministic: members in the order given, no white space, the same escapes every time, and
 * nothing from the default locale. Signatures over manifest bytes depend on that; do not change
 * the output of an existing value.
 */
package io.custody.json;
