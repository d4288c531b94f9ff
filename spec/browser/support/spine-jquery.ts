import $ from "jquery";
import Spine from "spine";

// Spine's ajax.js reads Spine.$ as it loads: imported before it, this sets it.
(Spine as unknown as { $: unknown }).$ = $;
