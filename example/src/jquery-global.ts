import jQuery from "jquery";

/**
 * Spine captures `window.jQuery` once, when spine.js is first evaluated, and
 * its controllers keep using that copy (setting `Spine.$` later does not
 * reach them). jQuery's CommonJS build does not set the global, so this
 * module sets it and must be imported before anything that imports "spine".
 */
const w = window as unknown as { jQuery: unknown; $: unknown };
w.jQuery = w.$ = jQuery;

export default jQuery;
