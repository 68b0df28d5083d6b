// Keeps a facilitator's sign-in across reloads, or forgets one that has ended: posts to the
// app's own route (arp/ui/signin_routes.py), whose answer sets or clears an HttpOnly cookie.
// This script carries only a one-time code; the cookie itself never reaches page scripts.

const sent = new Set(); // one post per code (or per page load, to forget) however often drawn

export default function (component) {
  const { data } = component;
  if (!data || !data.url || sent.has(data.once)) return;
  sent.add(data.once);
  fetch(data.url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code: data.code || "" }),
  }).catch(() => {
    // Without the cookie the sign-in still holds until the page is reloaded.
  });
}
