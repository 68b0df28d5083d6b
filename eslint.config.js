// ESLint for the map component's browser side, run by `make test` (make lint-js).
// arp/area_map.js is an ES module that Streamlit's components v2 loads into the page.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["arp/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
  },
];
