// The page's language on the document itself (<html lang>), which Streamlit leaves as
// "en": a screen reader then reads Urdu in an Urdu voice, and the browser picks each
// script's letter forms for the language. The code comes from a fixed list (arp/i18n.py),
// never from the link. The page's direction is set by CSS on the main block only
// (arp/ui/language.py), so Streamlit's sidebar and the map keep theirs. Draws nothing.

const CODE = /^[a-z]{2}(-[a-z]+)?$/;

export default function (component) {
  const { data } = component;
  const lang = CODE.test(data.lang || "") ? data.lang : "en";
  document.documentElement.lang = lang === "en-easy" ? "en" : lang;
  // English pages do not draw this (Streamlit's page is "en"): gone, it puts that back.
  return () => {
    document.documentElement.lang = "en";
  };
}
