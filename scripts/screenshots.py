#!/usr/bin/env python3
"""Screenshots of the web console for the README and docs/console.md: headless Chromium at
1440×900 on the demo tenant, each page in Chinese (the demo's language) and one in English,
written to docs/images/console-<page>.png.

Usage (against a running orgd with the demo tenant, e.g. `scripts/run.sh`):
    ORGD_BROWSER_URL=http://127.0.0.1:8080 ORGD_DEMO_PASSWORD=… scripts/screenshots.py [--out docs/images]

Needs Debian's chromium, chromium-driver and fonts-noto-cjk, and Selenium
(`scripts/deps.sh --browser`). To show a grant's impact preview, and then that grant in the audit
log, it creates one demo account, `zhou.hr` (周人事, B+3), and grants it HR over 售后服务部, each
only when the tenant does not have it yet; it changes nothing else. Pages that do not exist in
this build are skipped with a note.
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ left in Tests/browser
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "browser"))
import harness  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

MAX_BYTES = 300 * 1024


def rendered(d, hash_):
    d.execute_script("location.hash = arguments[0]", hash_)
    harness.wait_until(d, lambda _: d.execute_script(
        "const m=document.getElementById('main'); return m && !m.hasAttribute('aria-busy') && location.hash === arguments[0]", hash_),
        f"{hash_} to render", timeout=20)


def settle(d):
    """Let images (map, chart) finish loading and fonts lay out before the shot."""
    harness.wait_until(d, lambda _: d.execute_script(
        "return [...document.images].every(i => i.complete) && document.fonts.status === 'loaded'"), "images and fonts", timeout=20)
    time.sleep(0.3)


def shoot(d, out, name, show=None):
    """Save the viewport; `show` (a CSS selector) is scrolled into view first, else the top."""
    path = os.path.join(out, f"console-{name}.png")
    d.execute_script("document.activeElement && document.activeElement.blur();"
                     "const e = arguments[0] && document.querySelector(arguments[0]);"
                     "if (e) e.scrollIntoView({block: 'end'}); else window.scrollTo(0, 0)", show)
    d.save_screenshot(path)
    size = os.path.getsize(path)
    print(f"{path}: {size // 1024} KB" + ("  (over 300 KB)" if size > MAX_BYTES else ""))


def demo_grantee(token):
    _, _, users = harness.api("GET", "/v1/users?limit=500", token=token)
    for u in users["items"]:
        if u["login"] == "zhou.hr":
            return u
    status, _, u = harness.api("POST", "/v1/users", {"login": "zhou.hr", "display_name": "周人事",
                                                     "password": "correct horse battery", "grade": "B+3"}, token)
    if status != 201:
        raise SystemExit(f"cannot create the demo grantee: {status} {u}")
    return u


def page_exists(d, page):
    return d.execute_script("return !!document.getElementById(arguments[0])", f"nav-{page}")


def chart(d, out, suffix=""):
    rendered(d, "#/chart")
    harness.wait_for(d, "main svg, main .chart, main [role=tree]", timeout=20)
    # Open the customer-service center so the side panel shows its posts and holders.
    for box in d.find_elements(By.CSS_SELECTOR, "[data-unit]"):
        if "客服中心" in box.text:
            box.click()
            break
    settle(d)
    shoot(d, out, f"chart{suffix}")


def people(d, out, suffix=""):
    # 梁军 holds two posts: search 梁 and open him, as the first scenario does.
    rendered(d, "#/people")
    harness.fill(harness.wait_for(d, "#people-q"), "梁")
    d.find_element(By.ID, "people-search").click()
    harness.wait_text(d, ".person-row", "梁军").click()
    harness.wait_for(d, ".person-posts")
    settle(d)
    shoot(d, out, f"people{suffix}")


def access(d, out, suffix=""):
    token = harness.api_token(harness.demo_account())
    grantee = demo_grantee(token)
    rendered(d, "#/access?tab=grants")
    form = harness.wait_for(d, "#grant-form")
    Select(d.find_element(By.ID, "grant-subject")).select_by_value(grantee["id"])
    Select(d.find_element(By.ID, "grant-role")).select_by_visible_text("HR")
    Select(d.find_element(By.ID, "grant-scope-kind")).select_by_value("unit")
    harness.fill(form.find_element(By.CSS_SELECTOR, ".unit-picker input[type=search]"), "售后服务部")
    form.find_element(By.CSS_SELECTOR, ".unit-picker button").click()
    harness.wait_until(d, lambda _: Select(d.find_element(By.ID, "grant-unit")).first_selected_option.get_attribute("value"), "unit")
    d.find_element(By.ID, "grant-preview-btn").click()
    harness.wait_for(d, "#grant-preview .preview .impact")
    settle(d)
    shoot(d, out, f"access{suffix}", show="#grant-preview")
    # Save it (once), so that the audit log has a grant to show before → after.
    _, _, held = harness.api("GET", f"/v1/access/grants?subject={grantee['id']}", token=token)
    if not held["items"]:
        d.find_element(By.ID, "grant-save").click()
        harness.wait_for(d, "#grant-preview .ok")


def audit(d, out, suffix=""):
    rendered(d, "#/audit")
    harness.wait_for(d, "#audit-log .audit-entry")
    for summary in d.find_elements(By.CSS_SELECTOR, "#audit-log .audit-entry[data-action='grant.create'] summary")[:1]:
        summary.click()
    harness.wait_until(d, lambda _: not d.find_elements(By.CSS_SELECTOR, "#toast.show"), "the toast gone")
    settle(d)
    shoot(d, out, f"audit{suffix}")


def network(d, out, suffix=""):
    rendered(d, "#/network")
    harness.wait_for(d, ".network-sites table.data")
    Select(d.find_element(By.ID, "nearest-capability")).select_by_value("terminal/repair")
    d.find_element(By.CSS_SELECTOR, "#nearest-form button[type=submit]").click()
    harness.wait_for(d, "#nearest-list")
    settle(d)
    shoot(d, out, f"network{suffix}")


def cases(d, out, suffix=""):
    rendered(d, "#/cases")
    harness.wait_for(d, "#cases-table")
    settle(d)
    shoot(d, out, f"cases{suffix}")


def case_detail(d, out, suffix):
    rendered(d, "#/cases")
    link = harness.wait_for(d, "#cases-table tr[data-number] a.case-link")
    # A case in the middle of the equipment flow shows the most: its timeline and next steps.
    rows = d.find_elements(By.CSS_SELECTOR, "#cases-table tbody tr")
    for r in rows:
        if r.find_elements(By.CSS_SELECTOR, ".case-state[data-state='dispatched']"):
            link = r.find_element(By.CSS_SELECTOR, "a.case-link")
            break
    link.click()
    harness.wait_for(d, "#case-history li")
    settle(d)
    shoot(d, out, f"cases{suffix}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "images"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    d = harness.start_browser(1440, 900)
    try:
        harness.sign_in(d, harness.demo_account(), "#/access")
        d.execute_script("localStorage.setItem('orgd.lang', 'zh-CN')")
        d.refresh()
        harness.wait_for(d, "#app-header")
        for name, fn in (("chart", chart), ("people", people), ("access", access), ("audit", audit),
                         ("network", network), ("cases", cases)):
            if not page_exists(d, name):
                print(f"skipped {name}: no such page in this build")
                continue
            for attempt in (1, 2):  # a page re-rendered under the script (stale element) gets one more try
                try:
                    fn(d, args.out)
                    break
                except Exception as e:  # one page failing must not lose the others
                    print(f"{'retrying' if attempt == 1 else 'skipped'} {name}: {str(e).splitlines()[0]}")
        # One in English: a case's detail with its timeline and the steps it allows.
        Select(d.find_element(By.ID, "lang-select")).select_by_value("en")
        harness.wait_until(d, lambda _: d.execute_script("return document.documentElement.lang") == "en", "English")
        try:
            case_detail(d, args.out, "-en")
        except Exception as e:
            print(f"skipped cases-en: {str(e).splitlines()[0]}")
        d.execute_script("localStorage.setItem('orgd.lang', 'zh-CN')")
    finally:
        d.quit()


if __name__ == "__main__":
    main()
