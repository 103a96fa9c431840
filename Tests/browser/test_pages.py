"""Browser tests of the permissions, audit, network and cases pages, as an administrator (and,
for refusals, a lower-graded user) on the demo tenant would use them: in a real headless
Chromium against a live orgd, with every figure read back from the API rather than assumed.

Setup that is not what the test is about (an account to grant a role to, a fresh case to move
along its flow) goes through the API; everything the test checks is done through the page.
Each test's browser is checked for console errors by conftest.py's fixture.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import harness
from harness import wait_for, wait_text, wait_until, wait_gone, fill, api, unique


def go(driver, hash_):
    """Open a page of the console already signed in and wait until it has rendered."""
    driver.execute_script("location.hash = arguments[0]", hash_)
    wait_until(driver, lambda d: d.execute_script(
        "const m=document.getElementById('main');"
        "return m && !m.hasAttribute('aria-busy') && location.hash === arguments[0]", hash_), f"{hash_} to render")


# Walks the page with real Tab presses from its first focusable element until focus comes back
# round, marking each element reached; date and month inputs take several presses (one per
# segment), so an element is marked, not counted. Returns the matching elements never reached.
_MARK_JS = "const e=document.activeElement; if(!e||e===document.body) return null; e.dataset.tabReached='1'; return e;"


def unreachable(driver, css, within="body"):
    driver.execute_script("document.querySelectorAll('[data-tab-reached]').forEach(e => delete e.dataset.tabReached)")
    total = driver.execute_script("return document.querySelectorAll('a[href],button,input,select,textarea').length")
    first = driver.execute_script(
        "const f=[...document.querySelector(arguments[0]).querySelectorAll('a[href],button,input,select,textarea')]"
        ".find(e=>!e.disabled&&e.offsetParent); f.focus(); return f", within)
    driver.execute_script(_MARK_JS)
    for _ in range(total * 4 + 20):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        el = driver.execute_script(_MARK_JS)
        if el is None or el == first:
            break
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(e => !e.disabled && e.offsetParent && !e.dataset.tabReached)"
        ".map(e => e.outerHTML.slice(0, 160))", css)


def check_accessible(driver, css="main button, main a[href], main input, main select, main textarea", within="body"):
    assert harness.unlabelled_focusables(driver) == [], "focusable elements without a name"
    assert unreachable(driver, css, within) == [], "elements Tab never reaches"


def expect_refused_requests(driver, *statuses):
    """Chromium logs every 4xx answer as a console error; a test that provokes a refusal on
    purpose reads those entries here (so the fixture's no-console-errors check sees only the
    unexpected ones) and checks each is a refused API request with one of `statuses`."""
    for entry in harness.console_errors(driver):
        assert "/v1/" in entry and "Failed to load resource" in entry and any(f"status of {s}" in entry for s in statuses), entry


def cell_text(row, css):
    """A cell's text even when its diff is folded under a <details> summary."""
    return row.find_element(By.CSS_SELECTOR, css).get_attribute("textContent").strip()


def make_user(token, grade="B+3", prefix="pg"):
    login = unique(prefix)
    status, _, user = api("POST", "/v1/users", {"login": login, "display_name": f"测试{login[-4:]}",
                                                "password": "correct horse battery", "grade": grade}, token)
    assert status == 201, user
    return user


def role_id(token, name):
    _, _, roles = api("GET", "/v1/access/roles?limit=500", token=token)
    return next(r["id"] for r in roles["items"] if r["name"] == name)


# ---- permissions -------------------------------------------------------------------------

def test_my_grants_and_permissions(signed_in, admin_token):
    d = signed_in
    go(d, "#/access")
    _, _, me = api("GET", "/v1/access/me", token=admin_token)
    body = wait_for(d, ".access-body")
    # Each grant behind my access is listed with its role, and each permission I hold.
    for g in me["grants"]:
        assert g["role"]["name"] in body.text
    perms = d.find_elements(By.CSS_SELECTOR, ".access-body table.data")[0].find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(perms) == len(me["permissions"])
    assert me["effective_grade"] in body.text
    check_accessible(d)


def test_who_can_on_a_unit_lists_someone(signed_in, admin_token):
    d = signed_in
    go(d, "#/access?tab=ask")
    form = wait_for(d, "#whocan-form")
    fill(form.find_element(By.CSS_SELECTOR, "input[type=search]"), "售后")
    form.find_element(By.CSS_SELECTOR, ".unit-picker button").click()
    unit_sel = form.find_element(By.CSS_SELECTOR, "select[name=target_unit]")
    wait_until(d, lambda _: len(Select(unit_sel).options) > 1 and Select(unit_sel).first_selected_option.get_attribute("value"), "units found")
    unit_id = Select(unit_sel).first_selected_option.get_attribute("value")
    Select(form.find_element(By.ID, "whocan-action")).select_by_value("unit.update")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    out = wait_for(d, "#whocan-form .who-out table")
    _, _, expected = api("GET", f"/v1/access/who-can?action=unit.update&target=unit:{unit_id}", token=admin_token)
    assert expected["items"], "the demo has somebody who may change the unit"
    for item in expected["items"]:
        assert item["user"]["login"] in out.text
    check_accessible(d)


def test_grant_with_preview_then_revoke_and_audit(signed_in, admin_token):
    d = signed_in
    user = make_user(admin_token)
    go(d, "#/access?tab=grants")
    form = wait_for(d, "#grant-form")
    Select(d.find_element(By.ID, "grant-subject")).select_by_value(user["id"])
    Select(d.find_element(By.ID, "grant-role")).select_by_visible_text("HR")
    Select(d.find_element(By.ID, "grant-scope-kind")).select_by_value("unit")
    fill(form.find_element(By.CSS_SELECTOR, ".unit-picker input[type=search]"), "售后服务部")
    form.find_element(By.CSS_SELECTOR, ".unit-picker button").click()
    wait_until(d, lambda _: Select(d.find_element(By.ID, "grant-unit")).first_selected_option.get_attribute("value"), "the unit found")
    save = d.find_element(By.ID, "grant-save")
    assert not save.is_enabled(), "saving is possible only after the preview"
    d.find_element(By.ID, "grant-preview-btn").click()
    preview = wait_for(d, "#grant-preview .preview")
    wait_text(d, "#grant-preview .impact li", user["login"])
    assert "org.write" in preview.text or "修改组织架构" in preview.text
    assert d.find_elements(By.CSS_SELECTOR, "#grant-preview .decision-allowed")
    wait_until(d, lambda _: save.is_enabled(), "save enabled after an allowed preview")
    save.click()
    wait_text(d, "#grant-preview .ok", "HR")
    _, _, grants = api("GET", f"/v1/access/grants?subject={user['id']}", token=admin_token)
    assert len(grants["items"]) == 1
    grant = grants["items"][0]
    row = wait_for(d, f"#grants-table tr[data-grant='{grant['id']}']")
    wait_until(d, lambda _: user["login"] in row.text, "the grantee named in the list")

    # Revoke: the preview (who loses what) comes before the confirmation.
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    wait_text(d, "dialog .impact li", user["login"])
    assert d.find_elements(By.CSS_SELECTOR, "dialog .impact .loses")
    d.find_element(By.ID, "revoke-confirm").click()
    wait_gone(d, "dialog")
    wait_until(d, lambda _: not d.find_elements(By.CSS_SELECTOR, f"#grants-table tr[data-grant='{grant['id']}']"), "the row gone")
    _, _, after = api("GET", f"/v1/access/grants?subject={user['id']}", token=admin_token)
    assert after["items"] == []

    # The audit log shows who granted what, with the fields after; and the revocation's before.
    go(d, f"#/audit?action=grant.create&resource_id={grant['id']}")
    entry = wait_for(d, "#audit-log .audit-entry[data-action='grant.create']")
    wait_until(d, lambda _: "admin" in entry.find_element(By.CSS_SELECTOR, ".who").text, "the actor named")
    for summary in entry.find_elements(By.CSS_SELECTOR, "summary"):  # a long diff is folded: open it
        summary.click()
    assert entry.find_element(By.CSS_SELECTOR, "table.diff").is_displayed()
    diff = {cell_text(r, "th"): cell_text(r, "td.after") for r in entry.find_elements(By.CSS_SELECTOR, "table.diff tbody tr")}
    assert diff["role.name"] == "HR"
    # The grantee's id, and (once looked up) the account it names.
    wait_until(d, lambda _: user["login"] in cell_text(entry.find_element(By.XPATH, ".//tr[th='subject.id']"), "td.after"), "the grantee named")
    assert diff["subject.id"].startswith(user["id"])
    assert len(d.find_elements(By.CSS_SELECTOR, "#audit-log .audit-entry")) == 1
    go(d, f"#/audit?action=grant.revoke&resource_id={grant['id']}")
    entry = wait_for(d, "#audit-log .audit-entry[data-action='grant.revoke']")
    before = {cell_text(r, "th"): cell_text(r, "td.before") for r in entry.find_elements(By.CSS_SELECTOR, "table.diff tbody tr")}
    assert before.get("role.name") == "HR"
    check_accessible(d)


def test_audit_filters_and_paging(signed_in, admin_token):
    d = signed_in
    go(d, "#/audit")
    wait_for(d, "#audit-log .audit-entry")
    Select(d.find_element(By.ID, "audit-resource-type")).select_by_value("user")
    d.find_element(By.CSS_SELECTOR, "#audit-filters button[type=submit]").click()
    wait_until(d, lambda _: "resource_type=user" in d.current_url, "the filter in the address")
    go(d, d.execute_script("return location.hash"))
    _, _, page = api("GET", "/v1/audit?resource_type=user&limit=50", token=admin_token)
    shown = d.find_elements(By.CSS_SELECTOR, "#audit-log .audit-entry")
    assert [e.get_attribute("data-id") for e in shown] == [x["id"] for x in page["items"]]
    more = d.find_elements(By.CSS_SELECTOR, "main .more")
    assert bool(page["next_cursor"]) == (bool(more) and more[0].is_displayed())
    check_accessible(d)

    # Paging with the API's cursor: three rows a page, "more" appends the next three.
    go(d, "#/audit?limit=3")
    wait_until(d, lambda _: len(d.find_elements(By.CSS_SELECTOR, "#audit-log .audit-entry")) == 3, "a page of three")
    _, _, first = api("GET", "/v1/audit?limit=3", token=admin_token)
    _, _, second = api("GET", f"/v1/audit?limit=3&cursor={first['next_cursor']}", token=admin_token)
    d.find_element(By.CSS_SELECTOR, "main .more").click()
    wait_until(d, lambda _: len(d.find_elements(By.CSS_SELECTOR, "#audit-log .audit-entry")) == 6, "the next page appended")
    ids = [e.get_attribute("data-id") for e in d.find_elements(By.CSS_SELECTOR, "#audit-log .audit-entry")]
    assert ids == [x["id"] for x in first["items"] + second["items"]]


# ---- network -----------------------------------------------------------------------------

def test_network_sites_statuses_map_and_nearest(signed_in, admin_token):
    d = signed_in
    go(d, "#/network")
    wait_for(d, ".network-sites table.data")
    _, _, sites = api("GET", "/v1/network/sites?limit=100", token=admin_token)
    badges = d.find_elements(By.CSS_SELECTOR, ".network-sites .badge[data-status]")
    assert sorted(b.get_attribute("data-status") for b in badges) == sorted(s["status"] for s in sites["items"])
    assert {"authorised", "suspended"} <= {s["status"] for s in sites["items"]}
    wait_until(d, lambda _: d.execute_script("const i=document.getElementById('network-map'); i.scrollIntoView(); return i.complete && i.naturalWidth > 0"), "the map drawn")

    # Filter by status on the server.
    Select(d.find_element(By.ID, "network-status")).select_by_value("suspended")
    d.find_element(By.CSS_SELECTOR, "#network-filters button[type=submit]").click()
    wait_until(d, lambda _: "status=suspended" in d.current_url and not d.execute_script("return document.getElementById('main').hasAttribute('aria-busy')"), "filtered")
    wait_for(d, ".network-sites table.data")
    statuses = {b.get_attribute("data-status") for b in d.find_elements(By.CSS_SELECTOR, ".network-sites .badge[data-status]")}
    assert statuses == {"suspended"}

    # The nearest eligible site finder: a ranked list and why nearer ones were left out.
    form = d.find_element(By.ID, "nearest-form")
    Select(d.find_element(By.ID, "nearest-capability")).select_by_value("terminal/repair")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    items = wait_for(d, "#nearest-list").find_elements(By.CSS_SELECTOR, "li")
    _, _, near = api("GET", "/v1/network/sites/nearest?latitude=31.2304&longitude=121.4737&capability=terminal/repair&limit=5&explain=true", token=admin_token)
    assert len(items) == len(near["items"]) > 0
    for li, x in zip(items, near["items"]):
        assert x["site"]["code"] in li.text
    if near.get("excluded"):
        assert near["excluded"][0]["reasons"][0]["detail"] in d.find_element(By.ID, "nearest-out").text
    check_accessible(d)


def test_site_moves_are_the_lifecycle_and_a_refusal_names_the_tier(browser, demo, admin_token):
    # A regional manager at B+2 may change sites but not suspend one (the tenant's tier is A).
    user = make_user(admin_token, grade="B+2", prefix="rm")
    status, _, _ = api("POST", "/v1/access/grants", {"subject": {"kind": "user", "id": user["id"]},
                                                     "role_id": role_id(admin_token, "Regional manager"), "scope": {"kind": "tenant"}}, admin_token)
    assert status == 201
    _, _, sites = api("GET", "/v1/network/sites?status=authorised&kind=repair_station&limit=100", token=admin_token)
    site = sites["items"][0]
    d = browser
    harness.sign_in(d, harness.Account(demo.tenant, user["login"], "correct horse battery"), f"#/network?site={site['id']}")
    wait_for(d, ".site-moves")
    moves = {b.get_attribute("data-to") for b in d.find_elements(By.CSS_SELECTOR, ".site-moves button")}
    assert moves == {"probation", "suspended", "terminated"}
    d.find_element(By.ID, "move-suspended").click()
    # A blank reason first: the API's rule, next to the reason field.
    d.find_element(By.CSS_SELECTOR, "#move-form button[type=submit]").click()
    err = wait_for(d, "#move-form .field-error")
    status, _, problem = api("POST", f"/v1/network/sites/{site['id']}/transitions", {"to": "suspended"}, admin_token)
    assert status in (400, 422) and problem["field"] == "reason"
    assert problem["detail"] in err.text
    assert d.execute_script("return document.querySelector('#move-form .field-error').previousElementSibling.name") == "reason"
    # Then with a reason: refused for the grade, in words, with the tier required.
    fill(d.find_element(By.ID, "move-reason"), "客户投诉集中")
    d.find_element(By.CSS_SELECTOR, "#move-form button[type=submit]").click()
    err = wait_text(d, "#move-form .field-error", "A")
    assert "tier" in err.text and "B+2" in err.text
    expect_refused_requests(d, 422, 403)
    _, _, still = api("GET", f"/v1/network/sites/{site['id']}", token=admin_token)
    assert still["status"] == "authorised"


# ---- cases -------------------------------------------------------------------------------

def fresh_case(token):
    """A new case in `received`, belonging to the unit the demo's cases belong to."""
    _, _, cases = api("GET", "/v1/cases?limit=1", token=token)
    sample = cases["items"][0]
    status, _, case = api("POST", "/v1/cases", {
        "customer": {"name": "测试客户", "phone": "13800009999"}, "description": "App 无法登录",
        "channel": "phone", "unit_id": sample["unit_id"], "region_id": sample["region_id"],
        "product": {"line": sample["product"]["line"] or "terminal", "model": "T-1", "serial_no": unique("SN")}}, token)
    assert status == 201, case
    return case


def test_cases_queue_sla_badges_and_a_transition(signed_in, admin_token):
    case = fresh_case(admin_token)
    d = signed_in
    go(d, "#/cases")
    wait_for(d, "#cases-table")
    _, _, page = api("GET", "/v1/cases?limit=50", token=admin_token)
    rows = d.find_elements(By.CSS_SELECTOR, "#cases-table tbody tr")
    assert [r.get_attribute("data-number") for r in rows] == [c["number"] for c in page["items"]]
    # Every case with a clock wears a badge; a paused one says so.
    for r, c in zip(rows, page["items"]):
        badge = r.find_elements(By.CSS_SELECTOR, ".sla")
        if c["sla"]["paused"]:
            assert badge[0].get_attribute("data-sla") == "paused"
        elif c["sla"]["overdue"]:
            assert badge[0].get_attribute("data-sla") == "breached"
        elif c["sla"]["due_at"]:
            assert badge[0].get_attribute("data-sla") in ("on_time", "due_soon")
    check_accessible(d)

    d.find_element(By.CSS_SELECTOR, f"#cases-table tr[data-case='{case['id']}'] a.case-link").click()
    wait_for(d, ".case-steps")
    steps = [b.get_attribute("data-step") for b in d.find_elements(By.CSS_SELECTOR, ".case-steps button")]
    assert steps == case["allowed_steps"]
    d.find_element(By.ID, "step-classify").click()
    form = wait_for(d, "#step-form")
    Select(d.find_element(By.ID, "step-category")).select_by_value("platform")
    _, _, settings = api("GET", "/v1/cases/settings", token=admin_token)
    sub = next(s for s in settings["subcategories"] if s["category"] == "platform")
    Select(d.find_element(By.ID, "step-subcategory")).select_by_value(sub["code"])
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_gone(d, "dialog")
    wait_until(d, lambda _: d.find_elements(By.CSS_SELECTOR, "#case-title .case-state[data-state='classified']"), "the state changed")
    wait_for(d, "#case-history li[data-step='classify']")
    _, _, now = api("GET", f"/v1/cases/{case['id']}", token=admin_token)
    assert now["state"] == "classified" and now["subcategory"] == sub["code"]
    assert [b.get_attribute("data-step") for b in d.find_elements(By.CSS_SELECTOR, ".case-steps button")] == now["allowed_steps"]

    # A refusal: solving with no note is refused by the API, its words shown by the note field.
    d.find_element(By.ID, "step-solve").click()
    wait_for(d, "#step-form").find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    err = wait_for(d, "#step-form .field-error")
    status, _, problem = api("POST", f"/v1/cases/{case['id']}/solve", {}, admin_token)
    assert status == 422 and problem["field"] == "note"
    assert problem["detail"] in err.text
    assert d.execute_script("return document.querySelector('#step-form .field-error').previousElementSibling.id") == "step-note"
    expect_refused_requests(d, 422)
    check_accessible(d, "dialog button, dialog textarea", within="dialog")


def test_monthly_report_table_chart_and_csv(signed_in, admin_token):
    d = signed_in
    month = d.execute_script("return new Date().toISOString().slice(0, 7)")
    go(d, f"#/cases?tab=report&month={month}")
    tables = wait_for(d, "#report-tables")
    _, _, report = api("GET", f"/v1/cases/reports/monthly?month={month}", token=admin_token)
    total = tables.find_elements(By.CSS_SELECTOR, "table")[0].find_elements(By.CSS_SELECTOR, "tbody td")
    assert total[1].text.replace(",", "") == str(report["total"]["cases"])
    wait_until(d, lambda _: d.execute_script("const i=document.getElementById('report-chart'); i.scrollIntoView(); return i.complete && i.naturalWidth > 0"), "the chart drawn")
    href = d.find_element(By.ID, "report-csv").get_attribute("href")
    assert "format=csv" in href and f"month={month}" in href
    check_accessible(d)


def test_language_switch_on_the_cases_page(signed_in):
    d = signed_in
    go(d, "#/cases")
    wait_text(d, "main h1", "客户问题")
    Select(d.find_element(By.ID, "lang-select")).select_by_value("en")
    wait_text(d, "main h1", "Customer cases")
    wait_for(d, "#cases-table")
    assert "Number" in d.find_element(By.CSS_SELECTOR, "#cases-table thead").text
    Select(d.find_element(By.ID, "lang-select")).select_by_value("zh-CN")
    wait_text(d, "main h1", "客户问题")


def test_a_case_moved_by_another_agent_is_refused_and_shown_as_it_is_now(signed_in, admin_token):
    case = fresh_case(admin_token)
    d = signed_in
    go(d, f"#/cases?case={case['id']}")
    d.find_element(By.ID, "step-classify").click()
    wait_for(d, "#step-form")
    Select(d.find_element(By.ID, "step-category")).select_by_value("other")
    # Meanwhile another agent classifies it first.
    status, _, _ = api("POST", f"/v1/cases/{case['id']}/classify", {"category": "platform"}, admin_token)
    assert status == 200
    d.find_element(By.ID, "step-submit").click()
    err = wait_for(d, "#step-form .field-error")
    assert err.text.strip(), "the API's words for the stale version"
    # The page beneath now shows the case as the other agent left it; nothing of ours was saved.
    wait_until(d, lambda _: d.find_elements(By.CSS_SELECTOR, "#case-title .case-state[data-state='classified']"), "the case as it is now")
    _, _, now = api("GET", f"/v1/cases/{case['id']}", token=admin_token)
    assert now["category"] == "platform"
    assert d.find_element(By.ID, "step-category").get_attribute("value") == "other", "what the user chose is kept"
    expect_refused_requests(d, 412)


def test_a_regional_manager_works_without_admin_rights_or_console_errors(browser, demo, admin_token):
    """Without access.read the console asks nothing it would be refused (no 403 in the console):
    the permissions page shows only the caller's own access and the policy question."""
    user = make_user(admin_token, grade="B+2", prefix="rc")
    status, _, _ = api("POST", "/v1/access/grants", {"subject": {"kind": "user", "id": user["id"]},
                                                     "role_id": role_id(admin_token, "Regional manager"), "scope": {"kind": "tenant"}}, admin_token)
    assert status == 201
    d = browser
    harness.sign_in(d, harness.Account(demo.tenant, user["login"], "correct horse battery"), "#/access")
    tabs = [a.get_attribute("id") for a in d.find_elements(By.CSS_SELECTOR, "main .tabs a")]
    assert tabs == ["access-tab-me", "access-tab-ask"]
    wait_text(d, ".access-body", "Regional manager")
    go(d, "#/cases")
    link = wait_for(d, "#cases-table a.case-link")
    link.click()
    wait_for(d, "#case-history li")
    go(d, "#/network")
    wait_for(d, ".network-sites table.data")
    assert harness.console_errors(d) == []


def test_editing_a_role_previews_its_holders_losses_before_saving(signed_in, admin_token):
    # Someone holds Viewer, so taking a permission from the role takes it from them.
    user = make_user(admin_token, prefix="vw")
    viewer = role_id(admin_token, "Viewer")
    status, _, grant = api("POST", "/v1/access/grants", {"subject": {"kind": "user", "id": user["id"]}, "role_id": viewer,
                                                         "scope": {"kind": "tenant"}}, admin_token)
    assert status == 201
    d = signed_in
    go(d, "#/access?tab=roles")
    wait_for(d, f"button[data-role='{viewer}']").click()
    wait_for(d, "#role-form")
    d.find_element(By.ID, "role-perm-network-read").click()
    assert not d.find_element(By.ID, "role-save").is_enabled()
    d.find_element(By.ID, "role-preview-btn").click()
    li = wait_text(d, "#role-form .impact li", user["login"])
    _, _, catalog = api("GET", "/i18n/zh-CN/access.json")
    assert catalog["access.perm.network.read"] in li.find_element(By.CSS_SELECTOR, ".loses").text
    assert d.find_element(By.ID, "role-save").is_enabled()
    check_accessible(d, "dialog button, dialog input", within="dialog")
    d.find_element(By.CSS_SELECTOR, "dialog .dialog-close").click()
    # Closed without saving: nothing changed.
    _, _, role = api("GET", f"/v1/access/roles/{viewer}", token=admin_token)
    assert "network.read" in role["permissions"]
    api("DELETE", f"/v1/access/grants/{grant['id']}", token=admin_token)


def test_grants_beyond_their_grantor_are_listed_with_the_reason_and_revoked(signed_in, demo, admin_token):
    # An A1 administrator grants HR to a B+3 account, then is demoted below it: that grant now
    # exceeds what its grantor could make.
    grantor = make_user(admin_token, grade="A1", prefix="gr")
    grantee = make_user(admin_token, grade="B+3", prefix="ge")
    status, _, _ = api("POST", "/v1/access/grants", {"subject": {"kind": "user", "id": grantor["id"]},
                                                     "role_id": role_id(admin_token, "Administrator"), "scope": {"kind": "tenant"}}, admin_token)
    assert status == 201
    grantor_token = harness.api_token(harness.Account(demo.tenant, grantor["login"], "correct horse battery"))
    status, _, grant = api("POST", "/v1/access/grants", {"subject": {"kind": "user", "id": grantee["id"]},
                                                         "role_id": role_id(admin_token, "HR"), "scope": {"kind": "tenant"}}, grantor_token)
    assert status == 201, grant
    status, _, _ = api("PATCH", f"/v1/users/{grantor['id']}", {"grade": "B+4"}, admin_token)
    assert status == 200
    _, _, exceeding = api("GET", "/v1/access/grants/exceeding", token=admin_token)
    reason = next(x["reason"] for x in exceeding["items"] if x["grant"]["id"] == grant["id"])

    d = signed_in
    go(d, "#/access?tab=exceeding")
    row = wait_text(d, "main table.data tbody tr", grantee["login"])
    assert reason["rule"] in row.text
    row.find_element(By.CSS_SELECTOR, "button.danger").click()
    wait_until(d, lambda _: grantee["login"] not in d.find_element(By.CSS_SELECTOR, ".access-body").text, "the grant gone from the list")
    _, _, left = api("GET", f"/v1/access/grants?subject={grantee['id']}", token=admin_token)
    assert left["items"] == []
    check_accessible(d)


def test_every_word_of_these_pages_is_in_both_catalogs():
    """Each literal message key a page asks for is in the catalogs that page loads — common, its
    own area and access (the kit's words) — in Chinese and in English (a missing one would show
    the key itself), and the two languages of each area hold the same keys."""
    import json
    import pathlib
    import re
    web = pathlib.Path(__file__).resolve().parents[2] / "web"
    areas = ["access", "audit", "network", "cases"]

    def catalog(lang, area):
        return json.loads((web / "i18n" / lang / f"{area}.json").read_text())

    for area in areas:
        assert set(catalog("zh-CN", area)) == set(catalog("en", area)), f"{area}: keys differ between zh-CN and en"
    checked = 0
    for src in (web / "pages").glob("*.js"):
        area = src.name.split("-")[0].split(".")[0]
        if area not in areas:
            continue
        keys = set(re.findall(r"\bt\('([a-z_][\w.-]*)'", src.read_text()))
        checked += len(keys)
        for lang in ("zh-CN", "en"):
            loaded = {**catalog(lang, "common"), **catalog(lang, "access"), **catalog(lang, area)}
            assert sorted(k for k in keys if k not in loaded) == [], f"{src.name} ({lang})"
    assert checked > 200, "found the pages' message keys"


def test_receiving_a_case_shows_a_refused_field_then_records_it(signed_in, admin_token):
    d = signed_in
    _, _, cases = api("GET", "/v1/cases?limit=1", token=admin_token)
    unit_id = cases["items"][0]["unit_id"]
    _, _, unit = api("GET", f"/v1/units/{unit_id}", token=admin_token)
    go(d, "#/cases?tab=new")
    form = wait_for(d, "#new-case-form")
    fill(d.find_element(By.ID, "new-customer-name"), "测试客户")
    fill(d.find_element(By.ID, "new-customer-phone"), "not a phone")
    fill(d.find_element(By.ID, "new-description"), "车载终端无法开机")
    fill(form.find_element(By.CSS_SELECTOR, ".unit-picker input[type=search]"), unit["name"])
    form.find_element(By.CSS_SELECTOR, ".unit-picker button").click()
    wait_until(d, lambda _: Select(d.find_element(By.ID, "new-unit")).first_selected_option.get_attribute("value"), "the unit found")
    Select(d.find_element(By.ID, "new-unit")).select_by_value(unit_id)
    d.find_element(By.ID, "new-case-submit").click()
    err = wait_for(d, "#new-case-form .field-error")
    status, _, problem = api("POST", "/v1/cases", {"customer": {"name": "测试客户", "phone": "not a phone"},
                                                   "description": "车载终端无法开机", "channel": "phone", "unit_id": unit_id}, admin_token)
    assert status == 422 and problem["field"] == "customer.phone"
    assert problem["detail"] in err.text
    assert d.execute_script("return document.querySelector('#new-case-form .field-error').previousElementSibling.name") == "customer.phone"
    expect_refused_requests(d, 422)
    check_accessible(d)
    # Corrected, it is recorded and opens on its page, received.
    fill(d.find_element(By.ID, "new-customer-phone"), "13800007777")
    d.find_element(By.ID, "new-case-submit").click()
    wait_for(d, "#case-title .case-state[data-state='received']")
    number = d.find_element(By.ID, "case-title").text.split()[0]
    _, _, found = api("GET", "/v1/cases?customer_phone=13800007777&limit=50", token=admin_token)
    assert number in [c["number"] for c in found["items"]]
