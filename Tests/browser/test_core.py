"""The console's shell, org chart, editing, people and vacancies, driven in a real headless
Chromium the way a person uses them: typing, clicking, dragging, the keyboard. Runs against a
live orgd with `orgd seed demo` loaded (scripts/test.sh's browser stage). Tests change the demo
tenant's chart, so each one works on units and posts no other test touches."""
import datetime

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import harness
from harness import fill, wait_for, wait_text, wait_until


def box(driver, name):
    """The chart box of the unit called `name` (waits for it)."""
    xp = f"//div[@role='treeitem'][.//span[@class='unit-name' and text()='{name}']]"
    return wait_until(driver, lambda d: next(iter(d.find_elements(By.XPATH, xp)), None), f"the box of {name}")


def parent_name(driver, name):
    return driver.execute_script(
        "const b=[...document.querySelectorAll('[role=treeitem]')].find(e=>e.querySelector('.unit-name').textContent===arguments[0]);"
        "if(!b) return null; const up=b.closest('li').parentElement.closest('li');"
        "return up ? up.querySelector(':scope > .unit .unit-name').textContent : null", name)


def open_unit(driver, name):
    box(driver, name).click()
    wait_text(driver, "#unit-panel-title", name)


def set_date(driver, css, value):
    """Type a day into a date input (Chromium's date field takes the digits in its own order,
    so the value is set the way a picker would set it and the change event fired)."""
    driver.execute_script(
        "const e=document.querySelector(arguments[0]); e.value=arguments[1];"
        "e.dispatchEvent(new Event('input',{bubbles:true})); e.dispatchEvent(new Event('change',{bubbles:true}))", css, value)


def chart_ready(driver):
    wait_for(driver, "main.page-chart[data-drawn]")
    wait_until(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "main[aria-busy]"), "the chart to settle")


def test_sign_in_keeps_what_was_typed_and_returns_to_the_same_page(browser, demo):
    harness.open_console(browser, "#/people?q=%E6%A2%81")
    wait_for(browser, "#signin-form")
    fill(browser.find_element(By.ID, "signin-tenant"), demo.tenant)
    fill(browser.find_element(By.ID, "signin-login"), demo.login)
    fill(browser.find_element(By.ID, "signin-password"), "not the password")
    browser.find_element(By.ID, "signin-submit").click()
    wait_for(browser, "#signin-form .field-error, #signin-form .form-error")
    assert browser.find_element(By.ID, "signin-login").get_attribute("value") == demo.login
    assert browser.find_element(By.ID, "signin-tenant").get_attribute("value") == demo.tenant
    # The browser itself logs the refused sign-in (401); that one entry, and nothing else, is expected.
    errors = harness.console_errors(browser)
    assert all("/v1/auth/login" in e and "401" in e for e in errors), errors
    fill(browser.find_element(By.ID, "signin-password"), demo.password)
    browser.find_element(By.ID, "signin-submit").click()
    wait_text(browser, ".people-list", "梁军")
    assert browser.current_url.endswith("#/people?q=%E6%A2%81")
    browser.find_element(By.ID, "logout").click()
    wait_for(browser, "#signin-form")


def test_search_for_liang_finds_liang_jun_and_both_of_his_posts(signed_in):
    d = signed_in
    chart_ready(d)
    fill(d.find_element(By.ID, "chart-search"), "梁")
    d.find_element(By.ID, "chart-search-go").click()
    wait_text(d, "#chart-search-results .result-person", "梁军").click()
    wait_text(d, "#person-title", "梁军")
    posts = wait_until(d, lambda x: x.find_elements(By.CSS_SELECTOR, ".person-post") or None, "梁军's posts")
    texts = " | ".join(p.text for p in posts)
    assert len(posts) == 2, texts
    assert "运营经理" in texts and "回访组长" in texts, texts
    assert "兼任" in texts, texts  # the concurrent post is marked
    # From the person to the unit on the chart.
    d.find_element(By.XPATH, "//li[contains(@class,'person-post')][contains(.,'回访组长')]//a").click()
    wait_text(d, "#unit-panel-title", "回访组")
    assert "selected" in box(d, "回访组").get_attribute("class")


def test_drag_a_group_onto_another_department_moves_it_there(signed_in):
    d = signed_in
    chart_ready(d)
    assert parent_name(d, "技术培训组") == "售后服务部"
    ActionChains(d).click_and_hold(box(d, "技术培训组")).move_by_offset(12, 12) \
        .move_to_element(box(d, "法务部")).pause(0.2).release().perform()
    dialog = wait_for(d, "dialog[open] form.edit-form")
    assert "法务部" in dialog.text
    dialog.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    wait_until(d, lambda x: parent_name(x, "技术培训组") == "法务部", "技术培训组 under 法务部")


def test_keyboard_move_then_the_chart_as_of_yesterday_shows_the_old_place(signed_in):
    d = signed_in
    chart_ready(d)
    assert parent_name(d, "网络管理组") == "售后服务部"
    open_unit(d, "网络管理组")
    move = d.find_element(By.ID, "act-move")
    move.send_keys(Keys.ENTER)
    search = wait_for(d, "dialog[open] input[type=search]")
    search.send_keys("财务", Keys.ENTER)
    select = wait_for(d, "dialog[open] select[name=parent_id]")
    wait_until(d, lambda x: any(o.text.startswith("财务部") for o in select.find_elements(By.TAG_NAME, "option")), "财务部 offered")
    select.send_keys("财务部")
    d.switch_to.active_element.send_keys(Keys.TAB)
    d.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").send_keys(Keys.ENTER)
    wait_until(d, lambda x: parent_name(x, "网络管理组") == "财务部", "网络管理组 under 财务部")
    # Back in time: yesterday 网络管理组 was still under 售后服务部.
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    set_date(d, "#chart-as-of", yesterday)
    wait_for(d, ".past-banner")
    chart_ready(d)
    wait_until(d, lambda x: parent_name(x, "网络管理组") == "售后服务部", "yesterday's chart")
    assert yesterday in d.current_url
    d.find_element(By.ID, "chart-today").click()
    wait_until(d, lambda x: parent_name(x, "网络管理组") == "财务部", "today's chart again")


def test_appoint_a_person_to_a_vacant_seat_changes_the_count(signed_in):
    d = signed_in
    chart_ready(d)
    open_unit(d, "回访组")
    post = d.find_element(By.XPATH, "//li[contains(@class,'panel-position')][.//strong[text()='回访专员']]")
    assert post.find_element(By.CSS_SELECTOR, ".count").text == "0/2"
    post.find_element(By.CSS_SELECTOR, "button.appoint").click()
    search = wait_for(d, "dialog[open] input[type=search]")
    search.send_keys("刘洋", Keys.ENTER)
    person = wait_for(d, "dialog[open] select[name=person_id]")
    wait_until(d, lambda x: any("刘洋" in o.text for o in person.find_elements(By.TAG_NAME, "option")), "刘洋 offered")
    kind = d.find_element(By.CSS_SELECTOR, "dialog[open] select[name=kind]")
    kind.send_keys("兼任")
    d.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").click()
    wait_until(d, lambda x: x.find_element(
        By.XPATH, "//li[contains(@class,'panel-position')][.//strong[text()='回访专员']]//span[contains(@class,'count')]").text == "1/2",
        "回访专员 1/2 in the panel")
    unit = box(d, "回访组")
    assert "1/2" in unit.find_element(By.XPATH, ".//li[.//span[text()='回访专员']]").text
    assert "刘洋" in unit.text


def test_a_b_plus_user_is_refused_an_a_grade_appointment_with_the_reason(browser, demo, admin_token):
    login = harness.unique("hrb")
    status, _, user = harness.api("POST", "/v1/users", {"login": login, "display_name": "HR B+",
                                                        "password": "hr-password-123", "grade": "B+3"}, admin_token)
    assert status == 201, user
    _, _, roles = harness.api("GET", "/v1/access/roles", token=admin_token)
    hr = next(r for r in roles["items"] if r["name"] == "HR")
    status, _, grant = harness.api("POST", "/v1/access/grants", {"subject": {"kind": "user", "id": user["id"]},
                                                                 "role_id": hr["id"], "scope": {"kind": "tenant"}}, admin_token)
    assert status == 201, grant
    harness.sign_in(browser, harness.Account(demo.tenant, login, "hr-password-123"))
    chart_ready(browser)
    open_unit(browser, "财务部")
    post = browser.find_element(By.XPATH, "//li[contains(@class,'panel-position')][.//strong[text()='财务总监']]")
    appoint = post.find_element(By.CSS_SELECTOR, "button.appoint")
    assert appoint.get_attribute("aria-disabled") == "true"
    assert "grade" in appoint.get_attribute("title")
    appoint.click()
    problem = wait_for(browser, ".panel-problem .problem")
    assert "the actor's grade must outrank the grade of what it changes" in problem.text, problem.text
    assert "B+3" in problem.text and "A2" in problem.text, problem.text
    assert "403" not in problem.text
    assert demo.login in problem.find_element(By.CSS_SELECTOR, ".who-could").text
    # A post below the user's grade stays open to them.
    open_unit(browser, "客服中心")
    post = browser.find_element(By.XPATH, "//li[contains(@class,'panel-position')][.//strong[text()='管培生']]")
    assert post.find_element(By.CSS_SELECTOR, "button.appoint").get_attribute("aria-disabled") is None
    # A refusal the server gives on submit (restructuring needs org.restructure) is shown in the
    # dialog in words, with the permission it lacks, and the dialog keeps what was chosen.
    open_unit(browser, "法务部")
    browser.find_element(By.ID, "act-move").click()
    wait_for(browser, "dialog[open] input[type=search]").send_keys("董事会", Keys.ENTER)
    select = wait_for(browser, "dialog[open] select[name=parent_id]")
    wait_until(browser, lambda x: any(o.text.startswith("董事会") for o in select.find_elements(By.TAG_NAME, "option")), "董事会 offered")
    select.send_keys("董事会")
    browser.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").click()
    refusal = wait_for(browser, "dialog[open] .dialog-problem .problem")
    assert "the actor holds no role with this permission" in refusal.text, refusal.text
    assert "org.restructure" in refusal.text and "403" not in refusal.text, refusal.text
    assert browser.find_element(By.CSS_SELECTOR, "dialog[open] select[name=parent_id]").get_attribute("value")
    errors = harness.console_errors(browser)
    assert all("/move" in e and "403" in e for e in errors), errors


def test_the_language_switch_changes_every_word_and_is_kept(signed_in):
    d = signed_in
    chart_ready(d)
    assert d.find_element(By.ID, "nav-chart").text == "组织图"
    lang = d.find_element(By.ID, "lang-select")
    lang.send_keys("English")
    wait_text(d, "#nav-chart", "Org chart")
    chart_ready(d)
    assert d.find_element(By.ID, "chart-expand-all").text == "Expand all"
    d.refresh()
    wait_text(d, "#nav-people", "People")
    d.find_element(By.ID, "lang-select").send_keys("中文")
    wait_text(d, "#nav-chart", "组织图")


def test_chart_keyboard_walk_zoom_and_expand(signed_in):
    d = signed_in
    chart_ready(d)
    root = box(d, "董事会")
    root.click()
    d.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    wait_until(d, lambda x: x.switch_to.active_element.get_attribute("data-unit") == box(x, "总裁办公室").get_attribute("data-unit"), "focus on 总裁办公室")
    d.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    first = d.switch_to.active_element.get_attribute("aria-label")
    d.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert d.switch_to.active_element.get_attribute("aria-label") != first
    d.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert "总裁办公室" in d.switch_to.active_element.get_attribute("aria-label")
    before = d.find_element(By.CSS_SELECTOR, ".zoom-label").text
    d.switch_to.active_element.send_keys("+")
    wait_until(d, lambda x: x.find_element(By.CSS_SELECTOR, ".zoom-label").text != before, "zoom in")
    d.switch_to.active_element.send_keys(Keys.ENTER)
    wait_text(d, "#unit-panel-title", "总裁办公室")
    # Expand all reaches the rooms and groups below the first three levels.
    d.find_element(By.ID, "chart-expand-all").click()
    assert "3/不限" in box(d, "咨询受理组").text  # 话务员: N seats, 3 holders


def test_vacancies_span_and_headcount(signed_in):
    d = signed_in
    harness.open_console(d, "#/vacancies")
    wait_text(d, "#vac-title", "空缺")
    # The three sections load side by side: wait for each one's own rows, not the first table.
    wait_text(d, "section[aria-labelledby=vac-title] table.data", "天")  # days vacant
    wait_text(d, "section[aria-labelledby=hc-title] table.data", "董事会")
    wait_text(d, "section[aria-labelledby=span-title]", "话务班长")


def test_every_page_of_mine_is_labelled_reachable_and_quiet(signed_in):
    d = signed_in
    for hash_, ready in (("#/chart", "main.page-chart[data-drawn]"), ("#/people", ".people-list li"),
                         ("#/vacancies", "main section table.data")):
        harness.open_console(d, hash_)
        wait_for(d, ready)
        wait_until(d, lambda x: not x.find_elements(By.CSS_SELECTOR, "main[aria-busy]"), f"{hash_} to settle")
        missing = harness.unlabelled_focusables(d)
        assert not missing, f"{hash_}: controls without an accessible name: {missing}"
        reached = harness.tab_through(d)
        assert any("#nav-chart" in r for r in reached), reached
        assert any("#logout" in r for r in reached), reached
        if hash_ == "#/chart":
            for needed in ("#chart-search", "#chart-as-of", "#chart-expand-all", "#chart-fit", "#chart-export"):
                assert any(needed in r for r in reached), f"{needed} not reachable by Tab: {reached}"
            assert any(r.startswith("div#unit-") for r in reached), f"the chart is not reachable by Tab: {reached}"
        errors = harness.console_errors(d)
        assert not errors, f"{hash_}: {errors}"


def test_a_rename_that_lost_a_race_shows_what_changed_and_can_be_reapplied(signed_in, admin_token):
    d = signed_in
    chart_ready(d)
    open_unit(d, "配件仓库组")
    unit_id = box(d, "配件仓库组").get_attribute("data-unit")
    d.find_element(By.ID, "act-rename").click()
    name = wait_for(d, "dialog[open] input[name=name]")
    # Someone else renames the unit while the dialog is open.
    status, _, body = harness.api("PATCH", f"/v1/units/{unit_id}", {"name": "配件库组"}, admin_token)
    assert status == 200, body
    fill(name, "配件仓库一组")
    d.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").click()
    conflict = wait_for(d, "dialog[open] .conflict .problem")
    assert "配件库组" in conflict.text and "配件仓库组" in conflict.text and "配件仓库一组" in conflict.text, conflict.text
    submit = d.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]")
    assert submit.text == "重新应用我的修改"
    submit.click()
    box(d, "配件仓库一组")
    _, _, now = harness.api("GET", f"/v1/units/{unit_id}", token=admin_token)
    assert now["name"] == "配件仓库一组"
    # The browser logs the refused request (412) itself; that, and nothing else, is expected.
    errors = harness.console_errors(d)
    assert all("412" in e for e in errors), errors


def test_the_unit_panel_and_its_dialogs_are_labelled_and_close_with_escape(signed_in):
    d = signed_in
    chart_ready(d)
    open_unit(d, "客服中心")
    assert not harness.unlabelled_focusables(d), harness.unlabelled_focusables(d)
    for opener in ("#act-rename", "#act-add-unit", "#act-add-position", "#act-move", "#act-merge", "#act-archive",
                   ".panel-position button.appoint"):
        d.find_element(By.CSS_SELECTOR, opener).send_keys(Keys.ENTER)
        wait_for(d, "dialog[open]")
        missing = harness.unlabelled_focusables(d)
        assert not missing, f"{opener}: {missing}"
        d.switch_to.active_element.send_keys(Keys.ESCAPE)
        wait_until(d, lambda x: not x.find_elements(By.CSS_SELECTOR, "dialog[open]"), f"{opener}'s dialog to close")
        # Focus goes back to the button that opened the dialog.
        assert d.switch_to.active_element == d.find_element(By.CSS_SELECTOR, opener)


def test_an_expired_session_signs_in_over_the_page_and_keeps_what_was_typed(signed_in, demo):
    d = signed_in
    chart_ready(d)
    open_unit(d, "华东驻外办事处")
    d.find_element(By.ID, "act-rename").click()
    name = wait_for(d, "dialog[open] input[name=name]")
    fill(name, "华东办事处")
    d.delete_cookie("orgd_session")  # the session ends while the dialog is open
    d.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").click()
    password = wait_for(d, "dialog[open] #signin-password")
    assert d.find_element(By.CSS_SELECTOR, "dialog[open] #signin-login").get_attribute("value") == demo.login
    password.send_keys(demo.password, Keys.ENTER)
    wait_until(d, lambda x: not x.find_elements(By.ID, "signin-password"), "the sign-in dialog to close")
    name = d.find_element(By.CSS_SELECTOR, "dialog[open] input[name=name]")
    assert name.get_attribute("value") == "华东办事处"
    d.find_element(By.CSS_SELECTOR, "dialog[open] [type=submit]").click()
    box(d, "华东办事处")
    errors = harness.console_errors(d)
    assert all("401" in e for e in errors), errors
