/**
 * SWR organization names: 1–64 characters, a lowercase letter first, a lowercase letter or digit last,
 * lowercase letters and digits joined by single separators. The sources disagree on separators: OTC's text
 * forbids any two adjacent except `__`, HW's regex (the Docker reference grammar) also allows runs of `-`.
 * We accept the grammar, so every name valid under either reading is accepted and image references built
 * from it stay valid Docker names.
 */
const NAMESPACE_NAME = /^[a-z][a-z0-9]*(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export const isValidNamespaceName = (name: string): boolean => name.length >= 1 && name.length <= 64 && NAMESPACE_NAME.test(name);
