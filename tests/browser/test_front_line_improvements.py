"""Issue 10's improvements where they live, in the browser: the customer 360 (and the screenshots of it)."""
import os

from selenium.webdriver.common.by import By

from test_front_line_defects import own_customer
from test_sign_in import sign_in, wait_for

# Set KEFU_DOC_SHOTS=docs/screenshots to (re)write the screenshots committed with the issue.
DOC_SHOTS = os.environ.get("KEFU_DOC_SHOTS")


def doc_shot(browser, name):
    if DOC_SHOTS:
        os.makedirs(DOC_SHOTS, exist_ok=True)
        height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 2400)")
        width = browser.execute_script("return window.innerWidth")
        browser.set_window_size(browser.get_window_size()["width"], height + 120)
        browser.save_screenshot(os.path.join(DOC_SHOTS, name + ".png"))
        browser.set_window_size(browser.get_window_size()["width"], 900 if width > 500 else 844)


def no_wider_than_the_screen(browser):
    width = browser.execute_script("return window.innerWidth")
    overflow = browser.execute_script("return document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow} px wide on a {width} px screen"


def test_customer_360(browser, base_url):
    """Improvement 1: the timeline near the top with filters and entries that open; open work at a glance;
    the privacy tools folded in their own section; at 390 px contacts and open work come before the timeline."""
    sign_in(browser, base_url, "lina")
    browser.set_window_size(1366, 900)
    customer, _ = own_customer(browser, base_url)
    # Record a call with what was said: it opens on the timeline.
    browser.find_element(By.CSS_SELECTOR, "#record-communication > summary").click()
    browser.find_element(By.ID, "summary").send_keys("询问厂房租金")
    browser.find_element(By.ID, "content").send_keys("客户问 2000 平米厂房的租金，已介绍前三年减半的政策。")
    browser.find_element(By.ID, "nextStep").send_keys("下周二送去租金方案")
    browser.find_element(By.ID, "save-communication").click()
    wait_for(browser, lambda d: "询问厂房租金" in d.find_element(By.ID, "timeline").text, "the call is not on the timeline")
    timeline = browser.find_element(By.ID, "timeline")
    assert timeline.location["y"] < 900, "the timeline is near the top of the file"
    glance = browser.find_element(By.ID, "glance-follow-ups")
    assert glance.is_displayed() and glance.location["x"] > timeline.location["x"], "open follow-ups beside the timeline"
    detail = timeline.find_element(By.CSS_SELECTOR, "details.timeline-detail")
    assert not detail.find_element(By.CSS_SELECTOR, "dl").is_displayed()
    detail.find_element(By.TAG_NAME, "summary").click()
    assert "前三年减半" in detail.text and "下周二送去租金方案" in detail.text, "the full content when opened"
    # Filter to follow-ups: the call is gone, the filter marked.
    browser.find_element(By.CSS_SELECTOR, "#timeline .timeline-filters a[href*='kind=follow_up']").click()
    wait_for(browser, lambda d: "kind=follow_up" in d.current_url)
    assert "询问厂房租金" not in browser.find_element(By.ID, "timeline").text
    assert browser.find_element(By.CSS_SELECTOR, ".timeline-filters [aria-current]").get_attribute("href").endswith("kind=follow_up#timeline")
    # The privacy tools: folded, and open on a click.
    tools = browser.find_element(By.ID, "privacy-tools")
    assert tools.get_attribute("open") is None and not browser.find_element(By.ID, "consents").is_displayed()
    tools.find_element(By.TAG_NAME, "summary").click()
    assert browser.find_element(By.ID, "consents").is_displayed()
    browser.get(base_url + f"/customers/{customer}")
    # A phone: contacts and the open work first, then the timeline, nothing wider than the screen.
    browser.set_window_size(390, 844)
    browser.get(base_url + f"/customers/{customer}")
    no_wider_than_the_screen(browser)
    contacts = browser.find_element(By.ID, "contact-card").location["y"]
    follow_ups = browser.find_element(By.ID, "glance-follow-ups").location["y"]
    timeline = browser.find_element(By.ID, "timeline").location["y"]
    profile = browser.find_element(By.ID, "profile-card").location["y"]
    assert contacts < follow_ups < timeline < profile


def test_lists_that_work(browser, base_url):
    """Improvement 3: headers sort, one box selects the page, saved filters, the filter kept after a reassignment."""
    sign_in(browser, base_url, "wangjing")
    browser.set_window_size(1366, 900)
    browser.get(base_url + "/customers")
    browser.find_element(By.ID, "sort-name").click()
    wait_for(browser, lambda d: "sort=name" in d.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "th[aria-sort=ascending] #sort-name")
    browser.find_element(By.ID, "sort-name").click()
    wait_for(browser, lambda d: "sort=name_desc" in d.current_url)
    select_page = browser.find_element(By.ID, "select-page")
    assert select_page.is_displayed(), "the select-all box shows with script"
    select_page.click()
    boxes = browser.find_elements(By.CSS_SELECTOR, "#customers-table input[name='customerIDs[]']")
    assert boxes and all(b.is_selected() for b in boxes)
    boxes[0].click()
    assert browser.execute_script("return document.getElementById('select-page').indeterminate")
    # A built-in filter, then one of our own.
    browser.find_element(By.LINK_TEXT, "意向无跟进").click()
    wait_for(browser, lambda d: "withoutFollowUp=1" in d.current_url)
    browser.get(base_url + "/customers?stage=lost")
    browser.find_element(By.ID, "filterName").send_keys("全部流失客户")
    browser.find_element(By.CSS_SELECTOR, "#save-filter-form button[type=submit]").click()
    wait_for(browser, lambda d: "筛选已保存" in d.page_source, "the filter was not saved")
    assert browser.find_element(By.LINK_TEXT, "全部流失客户")
    # Reassign everything matching stage=lost: back on the same list.
    browser.find_element(By.ID, "allMatching").click()
    browser.find_element(By.ID, "reassign-reason").send_keys("月度调整")
    browser.find_element(By.CSS_SELECTOR, "#reassign-form button[data-confirm]").click()
    browser.switch_to.alert.accept()
    wait_for(browser, lambda d: "flash-success" in d.page_source or "已调整" in d.page_source, "no confirmation of the reassignment")
    assert "stage=lost" in browser.current_url, "the filter is kept after the bulk action"
    assert browser.find_element(By.ID, "stage").get_attribute("value") == "lost"
    browser.set_window_size(390, 844)
    browser.get(browser.current_url)
    no_wider_than_the_screen(browser)


def drag(browser, card, column):
    """HTML5 drag and drop as the browser sends it (Selenium's pointer actions do not start one)."""
    browser.execute_script("""
        const [card, column] = arguments;
        const data = new DataTransfer();
        card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
        column.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
        column.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
        card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
    """, card, column)


def test_pipeline_board(browser, base_url):
    """Improvement 4: a lead dropped on 意向 asks for the next follow-up; saved, it stands in that column."""
    sign_in(browser, base_url, "lina")
    browser.set_window_size(1366, 900)
    browser.get(base_url + "/board")
    wait_for(browser, lambda d: d.find_elements(By.ID, "board-title"))
    card = browser.find_element(By.CSS_SELECTOR, "#column-lead .board-card[data-card]")
    card_id = card.get_attribute("data-card")
    drag(browser, card, browser.find_element(By.ID, "column-intent"))
    card = browser.find_element(By.ID, f"card-{card_id}")
    assert card.find_element(By.CSS_SELECTOR, "details.board-move").get_attribute("open") is not None, "the follow-up is asked for"
    assert browser.switch_to.active_element.get_attribute("name") == "followUpDueAt"
    form = card.find_element(By.CSS_SELECTOR, "form.board-move-form")
    browser.execute_script("arguments[0].value = '2027-01-15T10:00'", form.find_element(By.NAME, "followUpDueAt"))
    form.find_element(By.NAME, "followUpPurpose").send_keys("介绍园区配套")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "客户阶段已更新" in d.page_source, "the move was not saved")
    assert browser.find_elements(By.CSS_SELECTOR, f"#column-intent #card-{card_id}"), "the card stands under 意向"
    browser.set_window_size(390, 844)
    browser.get(base_url + "/board")
    no_wider_than_the_screen(browser)



def test_one_screen_intake(browser, base_url):
    """Improvement 2: the mobile of an existing file, typed, offers that file at once; taking it keeps the call notes;
    the next step agreed becomes a follow-up in the same save."""
    sign_in(browser, base_url, "lina")
    _, mobile = own_customer(browser, base_url)
    browser.get(base_url + "/inquiries/new")
    browser.find_element(By.ID, "question").send_keys("能否提供人才公寓？")
    browser.find_element(By.ID, "answer").send_keys("园区有人才公寓，可申请。")
    browser.find_element(By.ID, "mobile").send_keys(mobile)
    wait_for(browser, lambda d: d.find_element(By.ID, "mobile-duplicates").is_displayed(), "no file offered as the mobile was typed")
    browser.find_element(By.ID, "nextStep").send_keys("下周发送人才公寓申请表")
    browser.execute_script("document.getElementById('nextStepDueAt').value = '2027-01-20T10:00'")
    use = browser.find_element(By.CSS_SELECTOR, "#mobile-duplicates button.use-duplicate")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", use)
    use.click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "chosen-customer"), "the file was not taken")
    assert browser.find_element(By.ID, "question").get_attribute("value") == "能否提供人才公寓？"
    assert browser.find_element(By.ID, "answer").get_attribute("value") == "园区有人才公寓，可申请。"
    assert browser.find_element(By.ID, "nextStep").get_attribute("value") == "下周发送人才公寓申请表"
    save = browser.find_element(By.ID, "save-inquiry")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", save)
    save.click()
    wait_for(browser, lambda d: "咨询已记录" in d.page_source, "the inquiry was not recorded")


def set_language(browser, base_url, language):
    browser.get(base_url + "/")
    browser.find_element(By.ID, "user-menu").click()
    browser.find_element(By.CSS_SELECTOR, f"#language option[value='{language}']").click()
    browser.find_element(By.ID, "save-language").click()
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == language)


def test_screenshots(browser, base_url):
    """Item 9: the customer 360, the intake, the board and the lists, in Chinese and English, at 1366 and 390 px
    (written to KEFU_DOC_SHOTS when set; otherwise each page is only checked to fit the phone)."""
    sign_in(browser, base_url, "lina")
    customer, _ = own_customer(browser, base_url)
    pages = {"customer-360": f"/customers/{customer}", "intake": "/inquiries/new", "board": "/board",
             "customers-list": "/customers?stage=intent&sort=name"}
    try:
        for language, suffix in (("zh-Hans", "zh"), ("en", "en")):
            set_language(browser, base_url, language)
            for width, height in ((1366, 900), (390, 844)):
                browser.set_window_size(width, height)
                for name, path in pages.items():
                    browser.get(base_url + path)
                    wait_for(browser, lambda d: d.find_elements(By.TAG_NAME, "main"))
                    if width == 390:
                        no_wider_than_the_screen(browser)
                    doc_shot(browser, f"{name}-{suffix}-{width}")
    finally:
        browser.set_window_size(1366, 900)
        set_language(browser, base_url, "zh-Hans")
