"""First paint of the web console's org chart in headless Chromium, for bench/console.sh.

Signs in once (cookie session, as the console's own form does), then ROUNDS times opens
/#/chart?unit=UNIT in a fresh page load and reads, from the Performance API, the page's
first-contentful-paint and the `orgd-chart-drawn` mark the chart sets once the boxes are in the
DOM, and `orgd-chart-painted`, set once the frame after that mark has been painted (a
requestAnimationFrame callback, then a task). Prints one JSON object: the rounds and their medians, in ms since
navigation start.

Usage: python3 bench/console-paint.py URL TENANT LOGIN PASSWORD UNIT_ID [ROUNDS]
"""
import json
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/bench/", 1)[0] + "/Tests/browser")
import harness  # noqa: E402  (the browser tests' Chromium set-up)

url, tenant, login, password, unit = sys.argv[1:6]
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 5

driver = harness.start_browser(1400, 900)
try:
    driver.get(url + "/")
    signed = driver.execute_async_script("""
        const [tenant, login, password, done] = arguments;
        fetch('/v1/auth/login', {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({tenant, login, password, cookie: true})})
          .then(r => r.json()).then(j => { sessionStorage.setItem('orgd.csrf', j.csrf_token || '');
                                    localStorage.setItem('orgd.signed_in', '1'); done(!!j.csrf_token); })
          .catch(e => done(String(e)));""", tenant, login, password)
    if signed is not True:
        raise SystemExit(f"sign-in failed: {signed}")
    results = []
    for _ in range(rounds + 1):  # the first round warms the HTTP and code caches; it is dropped
        driver.get("about:blank")
        driver.get(f"{url}/#/chart?unit={unit}")
        deadline = time.time() + 60
        while True:
            got = driver.execute_script("""
                const m = performance.getEntriesByName('orgd-chart-drawn')[0];
                const p = performance.getEntriesByName('orgd-chart-painted')[0];
                const f = performance.getEntriesByName('first-contentful-paint')[0];
                if (!m || !p) return null;
                return {drawn: m.startTime, painted: p.startTime, fcp: f ? f.startTime : null,
                        units: document.querySelectorAll('[role=treeitem]').length,
                        elements: document.getElementsByTagName('*').length};""")
            if got or time.time() > deadline:
                break
            time.sleep(0.05)
        if not got:
            raise SystemExit("the chart was not drawn within 60 s; the page says:\n"
                             + driver.find_element("tag name", "body").text[:2000])
        results.append(got)
    rounds_kept = results[1:]
    out = {
        "rounds": rounds_kept,
        "median_fcp_ms": statistics.median(r["fcp"] for r in rounds_kept if r["fcp"] is not None),
        "median_drawn_ms": statistics.median(r["drawn"] for r in rounds_kept),
        "median_painted_ms": statistics.median(r["painted"] for r in rounds_kept),
        "units": rounds_kept[-1]["units"],
        "elements": rounds_kept[-1]["elements"],
        "chromium": driver.capabilities.get("browserVersion"),
    }
    print(json.dumps(out))
finally:
    driver.quit()
