// The portal's own script (plain JavaScript, no framework): give each Cascade element a
// fetchToken that asks this portal's server, and listen to the elements' events.

/** The token endpoint of the portal's own server; it holds the secret API key, the page never does. */
async function fetchTokenFor(widget) {
  const response = await fetch('/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ widgets: [widget] }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new Error(body?.error?.message ?? `The portal's token endpoint answered ${response.status}`);
  return body; // {token, expiresAt}
}

const log = document.getElementById('event-log');
const alertBox = document.getElementById('portal-alert');

function record(event) {
  const item = document.createElement('li');
  item.dataset.event = event.type;
  item.textContent = `${new Date().toLocaleTimeString()} ${event.type} ${JSON.stringify(event.detail)}`;
  log.prepend(item);
}

for (const type of ['cascade:ready', 'cascade:error', 'cascade:invoice-open', 'cascade:export-complete']) {
  document.addEventListener(type, record);
}

document.addEventListener('cascade:error', (event) => {
  alertBox.hidden = false;
  alertBox.textContent = `Cascade (${event.detail.widget}): ${event.detail.message}`;
});

for (const element of document.querySelectorAll('cascade-customer-charges, cascade-billing')) {
  element.fetchToken = () => fetchTokenFor(element.dataset.widget);
}

document.getElementById('scheme-toggle').addEventListener('click', (event) => {
  const dark = document.documentElement.classList.toggle('portal-dark');
  event.currentTarget.textContent = dark ? 'Light mode' : 'Dark mode';
});
