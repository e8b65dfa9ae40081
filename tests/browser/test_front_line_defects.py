"""Issue 10's defects where they live, in the browser: confirmations on buttons, a reaction that keeps
its choice, intake that keeps the call notes, the phone width and icons that are never boxes."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_sign_in import shot, sign_in, wait_for


def own_customer(browser, base_url):
    """One of lina's customers (her own: contacts unmasked) as (id, mobile)."""
    browser.get(base_url + "/follow-ups?view=open&scope=mine")
    link = browser.find_element(By.CSS_SELECTOR, "#follow-up-list a[href^='/customers/']").get_attribute("href")
    customer = link.split("/customers/")[1].split("/")[0]
    browser.get(base_url + f"/customers/{customer}")
    mobile = browser.execute_script(
        "const dt=[...document.querySelectorAll('#contact-card dt')].find(e=>e.textContent.trim()==='手机');"
        "return dt ? dt.nextElementSibling.textContent.trim() : '';")
    return customer, mobile


def test_buttons_with_a_confirmation_ask_first(browser, base_url):
    """#6: 调整负责人, 合并 and 匿名化 carry data-confirm on the button; nothing runs before the answer."""
    sign_in(browser, base_url, "wangjing")
    browser.get(base_url + "/customers")
    browser.find_element(By.CSS_SELECTOR, "#customers-table input[type=checkbox]").click()
    before = browser.current_url
    browser.find_element(By.CSS_SELECTOR, "#reassign-form button[data-confirm]").click()
    WebDriverWait(browser, 3).until(expected_conditions.alert_is_present(), "no confirmation before 调整负责人")
    browser.switch_to.alert.dismiss()
    assert browser.current_url == before and "flash-success" not in browser.page_source, "dismissed: nothing happened"
    browser.get(browser.find_element(By.CSS_SELECTOR, "#customers-table a[href^='/customers/']").get_attribute("href"))
    wait_for(browser, lambda d: d.find_elements(By.ID, "customer-title"), "no customer file")
    # The privacy tools (合并, 匿名化) sit folded in their own section of the 360.
    browser.find_element(By.CSS_SELECTOR, "#privacy-tools > summary").click()
    for selector in ("#merge button[data-confirm]", "#rights button[data-confirm]"):
        buttons = browser.find_elements(By.CSS_SELECTOR, selector)
        if not buttons:
            continue
        url = browser.current_url
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", buttons[0])
        buttons[0].click()
        WebDriverWait(browser, 3).until(expected_conditions.alert_is_present(), f"no confirmation on {selector}")
        browser.switch_to.alert.dismiss()
        assert browser.current_url == url


def test_a_refused_reaction_keeps_its_choice(browser, base_url):
    """#2: 不感兴趣 without a reason is refused and stays chosen; with the reason it is recorded as 不感兴趣."""
    sign_in(browser, base_url, "lina")
    customer, _ = own_customer(browser, base_url)
    browser.get(base_url + f"/customers/{customer}/recommendations")
    first = browser.find_element(By.CSS_SELECTOR, ".ranked")
    first.find_element(By.TAG_NAME, "summary").click()
    first.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "推荐已记录" in d.page_source, "the recommendation was not recorded")
    form = browser.find_element(By.CSS_SELECTOR, ".reaction-form")
    assert Select(form.find_element(By.NAME, "reaction")).first_selected_option.get_attribute("value") == "", "nothing chosen for the user"
    Select(form.find_element(By.NAME, "reaction")).select_by_value("not_interested")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "客户不感兴趣时请填写原因" in d.page_source, "a rejection without a reason was accepted")
    form = browser.find_element(By.CSS_SELECTOR, ".reaction-form")
    assert Select(form.find_element(By.NAME, "reaction")).first_selected_option.get_attribute("value") == "not_interested"
    form.find_element(By.NAME, "reason").send_keys("投资额太大")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "客户反馈已记录" in d.page_source, "the reaction was not recorded")
    assert "不感兴趣</strong> · 投资额太大" in browser.page_source
    shot(browser, "defect-2-reaction")


def test_intake_keeps_the_call_notes(browser, base_url):
    """#3: Enter in 查找客户, choosing a match and 使用该档案 all keep the question and the answer."""
    sign_in(browser, base_url, "lina")
    _, mobile = own_customer(browser, base_url)
    browser.get(base_url + "/inquiries/new")
    browser.find_element(By.ID, "question").send_keys("电力增容费用多少？")
    browser.find_element(By.ID, "answer").send_keys("按每千伏安 200 元")
    search = browser.find_element(By.ID, "q")
    search.send_keys("有限公司")
    search.send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".matches button"), "Enter did not search")
    assert browser.find_element(By.ID, "question").get_attribute("value") == "电力增容费用多少？"
    assert browser.find_element(By.ID, "answer").get_attribute("value") == "按每千伏安 200 元"
    browser.find_element(By.CSS_SELECTOR, ".matches button").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "chosen-customer"), "the customer was not chosen")
    assert browser.find_element(By.ID, "question").get_attribute("value") == "电力增容费用多少？"
    # A new caller whose mobile is on file: the duplicates card, then 使用该档案.
    browser.get(base_url + "/inquiries/new")
    browser.find_element(By.ID, "name").send_keys("来电客户")
    browser.find_element(By.ID, "mobile").send_keys(mobile)
    browser.find_element(By.ID, "question").send_keys("厂房租金多少？")
    browser.find_element(By.ID, "answer").send_keys("每月每平方米 25 元")
    browser.find_element(By.ID, "save-inquiry").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#duplicates .use-duplicate"), "no duplicates card")
    shot(browser, "defect-3-duplicates")
    browser.find_element(By.CSS_SELECTOR, "#duplicates .use-duplicate").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "chosen-customer"), "the file was not taken")
    assert browser.find_element(By.ID, "question").get_attribute("value") == "厂房租金多少？"
    assert browser.find_element(By.ID, "answer").get_attribute("value") == "每月每平方米 25 元"
    browser.find_element(By.ID, "save-inquiry").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "inquiry-fields"), "not saved")
    assert "每月每平方米 25 元" in browser.page_source


def test_a_phone_shows_lists_as_cards(browser, base_url):
    """#12: at 390 px nothing is wider than the screen, 接待咨询 is whole, rows are cards, filters fold."""
    browser.set_window_size(390, 844)
    sign_in(browser, base_url, "lina")
    width = lambda: browser.execute_script("return window.innerWidth")
    for path in ("/inquiries", "/customers", "/follow-ups?view=open", "/projects", "/"):
        browser.get(base_url + path)
        overflow = browser.execute_script("return document.documentElement.scrollWidth")
        assert overflow <= width(), f"{path} is {overflow} px wide on a {width()} px screen"
    browser.get(base_url + "/inquiries")
    right = browser.execute_script("return document.getElementById('new-inquiry').getBoundingClientRect().right")
    assert right <= width(), "接待咨询 is cut off"
    shot(browser, "defect-12-inquiries-390")
    browser.get(base_url + "/customers")
    assert browser.find_element(By.CSS_SELECTOR, "details.filter-panel").get_attribute("open") is None, "filters fold on a phone"
    code = browser.find_element(By.CSS_SELECTOR, "#customers-table td[data-label] code")
    assert code.size["height"] < 30, "the customer code stays on one line"
    display = browser.execute_script("return getComputedStyle(document.querySelector('#customers-table tr')).display")
    assert display == "block", "rows are cards"
    shot(browser, "defect-12-customers-390")


def test_icons_are_drawn_not_emoji(browser, base_url):
    """#14: the bell is our own SVG; no emoji that shows as a box without an emoji font."""
    sign_in(browser, base_url, "lina")
    assert browser.find_elements(By.CSS_SELECTOR, "#bell svg")
    for path in ("/", "/notifications"):
        browser.get(base_url + path)
        assert "🔔" not in browser.page_source and "⏰" not in browser.page_source
