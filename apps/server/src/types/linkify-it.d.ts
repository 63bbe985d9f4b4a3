// The subset of linkify-it 5.x we use (the package ships no types).
declare module 'linkify-it' {
  interface Match {
    /** `https:`, `mailto:`, `//`, or '' for a link found without a scheme (`www.example.com`). */
    schema: string;
    index: number;
    lastIndex: number;
    raw: string;
    text: string;
    url: string;
  }
  interface Options {
    fuzzyLink?: boolean;
    fuzzyEmail?: boolean;
    fuzzyIP?: boolean;
  }
  class LinkifyIt {
    constructor(schemas?: Record<string, unknown>, options?: Options);
    match(text: string): Match[] | null;
  }
  export default LinkifyIt;
}
