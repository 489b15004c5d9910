// Every request a page makes, watched from the browser: requests to any host but the portal's are
// blocked and recorded (the issue: no request to any other host), and each page load's weight is
// the sum of the bytes its responses took on the wire (the issue: under 200 KB per page).
//
// Interception turns Chromium's cache off for the page, so every load is a first visit: the
// weight measured is what a phone with an empty cache downloads.

/** The limit on one page load, all its requests together. [Units: bytes] */
export const PAGE_WEIGHT_LIMIT = 200 * 1000;

export class RequestRecorder {
  /** Use RequestRecorder.attach. */
  constructor(page, origin, cdp) {
    this.page = page;
    this.origin = origin;
    this.cdp = cdp;
    this.foreign = [];    // URLs of requests to other hosts, blocked
    // DevTools requestId (with "/N" for a redirect) -> {url, status, bytes}
    this.responses = new Map();
  }

  /**
   * Watches `page`: requests outside `origin` ("http://localhost:PORT") are aborted and listed in
   * `foreign`; data: and blob: URLs are not requests to any host and pass.
   */
  static async attach(page, origin) {
    const cdp = await page.createCDPSession();
    const r = new RequestRecorder(page, origin, cdp);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => {
      const redirect = e.redirectResponse;
      if (!redirect) return;
      r.responses.set(`${e.requestId}/${r.responses.size}`, {
        url: redirect.url, status: redirect.status, bytes: redirect.encodedDataLength,
      });
    });
    cdp.on('Network.responseReceived', (e) => {
      if (e.response.url.startsWith('data:')) return;  // inline, not from any host
      r.responses.set(e.requestId, { url: e.response.url, status: e.response.status, bytes: 0 });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const entry = r.responses.get(e.requestId);
      if (entry) entry.bytes = e.encodedDataLength;
    });
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const url = req.url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
        req.continue();
      } else {
        r.foreign.push(url);
        req.abort('blockedbyclient');
      }
    });
    return r;
  }

  /**
   * Loads `url` (a path, e.g. "/login", or a full URL) and waits until the network has been idle
   * for 500 ms. Resolves to {status, bytes, requests}: the document's HTTP status (after
   * redirects), the bytes all the load's responses took on the wire (headers included, redirects
   * too), and each response {url, status, bytes}. Rejects when the load asked another host for
   * anything.
   */
  async load(url) {
    this.responses.clear();
    const foreignBefore = this.foreign.length;
    const target = new URL(url, this.origin).href;
    const response = await this.page.goto(target, { waitUntil: 'networkidle0' });
    if (this.foreign.length > foreignBefore) {
      throw new Error(`loading ${url} asked other hosts for ${this.foreign.slice(foreignBefore)}`);
    }
    const requests = [...this.responses.values()];
    return {
      status: response ? response.status() : 0,
      bytes: requests.reduce((sum, q) => sum + q.bytes, 0),
      requests,
    };
  }

  /** Throws listing every blocked request to another host, if there was one. */
  assertNoForeignRequests() {
    if (this.foreign.length > 0) {
      throw new Error(`requests to hosts other than ${this.origin}: ${this.foreign.join(', ')}`);
    }
  }
}
