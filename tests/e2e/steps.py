"""Small moves a person makes on every page, independent of the interface language."""


def open_menu_item(page, href):
    """Follow a top-bar link; on a phone the menu is folded behind the toggler first."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()
    page.locator(f"#main-nav a[href='{href}']").click()
    page.wait_for_load_state("domcontentloaded")


def submit(page, form="main form[method=post]"):
    """Press the form's first submit button and wait for the next page."""
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()


def success_message(page):
    return page.locator("main .alert-success").inner_text()
