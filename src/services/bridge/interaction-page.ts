import qrcode from 'qrcode-terminal';

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function qrText(text: string): string {
  let out = '';
  qrcode.generate(text, { small: true }, (qr) => (out = qr));
  return out;
}

/**
 * How the wallet reaches the browser: `same-device` (the wallet gets a redirect URI with a
 * one-time response_code and opens it here) or `cross-device` (the wallet is elsewhere; the page
 * polls and finishes by itself, so it cannot tell whose wallet answered).
 */
export type SignInMode = 'same-device' | 'cross-device';

/**
 * The bridge's sign-in page: who asks, what for, and the OpenID4VP request. Same-device, a link
 * the wallet on this device opens (it brings the browser back), and a way to switch to another
 * device. Cross-device, a QR code and a poll of the interaction's status that continues once
 * the wallet has answered; no script but that poll, no third-party resources.
 */
export function interactionPage(input: {
  uid: string;
  mode: SignInMode;
  applicationName: string;
  applicationDid: string;
  claims: string[];
  walletUri: string;
}): string {
  const claims = input.claims.length
    ? `<p>It asks for: <strong data-testid="requested-claims">${input.claims.map(escape).join(', ')}</strong>. Your wallet lets you choose which to share.</p>`
    : '<p>It asks for no claims: sign-in only.</p>';
  const uid = encodeURIComponent(input.uid);
  const link = `<p><a id="wallet-link" data-testid="wallet-uri" href="${escape(input.walletUri)}">${escape(input.walletUri)}</a></p>`;
  const body =
    input.mode === 'same-device'
      ? `<p>Open the link with your wallet on this device, or run <code>ddi wallet login '&lt;link&gt;'</code>; it brings you back here.</p>
${link}
<p><a id="cross-device" data-testid="cross-device" href="/interaction/${uid}/cross-device">Use a wallet on another device</a> (only for a QR code you see on this screen yourself).</p>`
      : `<p>Scan with your wallet on another device, or run <code>ddi wallet login '&lt;link&gt;'</code> there. Only scan a code you see on this screen yourself.</p>
<pre aria-label="QR code">${escape(qrText(input.walletUri))}</pre>
${link}
<p id="status" data-testid="status" role="status">Waiting for your wallet…</p>
<script>
(function poll() {
  fetch('/interaction/${uid}/status', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
    if (s.status === 'done') { location.href = '/interaction/${uid}/finish'; return; }
    if (s.status === 'failed') { document.getElementById('status').textContent = 'Sign-in refused: ' + s.message; return; }
    setTimeout(poll, 1000);
  }, function () { setTimeout(poll, 2000); });
})();
</script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in with ddi</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}pre{line-height:1;font-size:8px}</style>
</head><body>
<h1>Sign in to ${escape(input.applicationName)}</h1>
<p data-testid="application">${escape(input.applicationName)} <small>(${escape(input.applicationDid)})</small> asks you to sign in with your ddi wallet.</p>
${claims}
${body}
</body></html>`;
}

/** A plain error page (no details beyond the stable code and message). */
export function errorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1><p data-testid="error">${escape(message)}</p></body></html>`;
}
