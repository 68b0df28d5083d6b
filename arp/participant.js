// The participant's token: a random id this browser keeps, in local storage and in a
// cookie, so that a reload, another page or another tab is the same voter. It is made by
// the server (32 hex digits) and never holds an IP address, a user agent or a name.
//
// The cookie lets the server know the token on the first run after a reload (Streamlit
// reads cookies from the page's connection); local storage keeps it if cookies are cleared
// on their own. This module draws nothing.

const NAME = "arp_participant";
const VALID = /^[0-9a-f]{32}$/;
const KEEP_SECONDS = 60 * 60 * 24 * 30; // a workshop's notes are kept 30 days by default

function fromCookie() {
  for (const part of document.cookie.split(";")) {
    const [key, value] = part.trim().split("=");
    if (key === NAME && VALID.test(value || "")) return value;
  }
  return null;
}

function fromStorage() {
  try {
    const value = window.localStorage.getItem(NAME);
    return VALID.test(value || "") ? value : null;
  } catch {
    return null; // storage refused (a private window, say): the cookie still holds it
  }
}

function keep(token) {
  try {
    window.localStorage.setItem(NAME, token);
  } catch {
    // as above
  }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${NAME}=${token}; Path=/; Max-Age=${KEEP_SECONDS}; SameSite=Lax${secure}`;
}

export default function (component) {
  const { data, setStateValue } = component;
  const proposed = VALID.test(data.proposed || "") ? data.proposed : null;
  const token = fromCookie() || fromStorage() || proposed;
  if (!token) return;
  keep(token);
  if (token !== data.known) setStateValue("token", token);
}
