"""Which font Chromium drew an element's characters with: glyph coverage, not pixels.

Chromium's DevTools protocol (``CSS.getPlatformFontsForNode``) reports, for
an element, every font that drew its text and how many glyphs each drew. The
widget and the console serve Noto Sans Bengali; on a machine with no Bengali
font installed, any Bangla character it did not draw would be tofu.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from playwright.sync_api import Page

SERVED_FONT = "Noto Sans Bengali"
BANGLA_CHARACTER = re.compile("[\u0980-\u09ff\u200c\u200d]")


def _find_by_id(node: Dict[str, Any], element_id: str) -> Optional[Dict[str, Any]]:
    attributes = node.get("attributes", [])
    if dict(zip(attributes[::2], attributes[1::2], strict=True)).get("id") == element_id:
        return node
    for child in node.get("children", []) + node.get("shadowRoots", []):
        found = _find_by_id(child, element_id)
        if found is not None:
            return found
    return None


def _node(cdp: Any, selector: str, shadow_host: Optional[str]) -> int:
    """The DevTools node id of the last element matching ``selector``.

    With ``shadow_host`` (an element id), the selector is matched inside that
    element's shadow root (the widget's ``#clinic-chat``).
    """
    document = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    root = document["nodeId"]
    if shadow_host is not None:
        host = _find_by_id(document, shadow_host)
        assert host is not None and host.get("shadowRoots"), f"no shadow root in #{shadow_host}"
        root = host["shadowRoots"][0]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    assert nodes, f"nothing matches {selector!r}"
    return nodes[-1]


def fonts_drawing(page: Page, selector: str, shadow_host: Optional[str] = None) -> List[Dict]:
    """The fonts Chromium used for the text of the last element matching ``selector``."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        node = _node(cdp, selector, shadow_host)
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def assert_bangla_drawn_with_served_font(
    page: Page, selector: str, shown: str, shadow_host: Optional[str] = None
) -> None:
    """The served font drew the Bangla of ``shown`` (the element's text); others at most the rest.

    Other fonts may draw spaces, digits and Latin letters, never more glyphs
    than the text has non-Bangla characters.
    """
    assert BANGLA_CHARACTER.search(shown), f"no Bangla in {shown!r}"
    fonts = fonts_drawing(page, selector, shadow_host)
    others = sum(font["glyphCount"] for font in fonts if font["familyName"] != SERVED_FONT)
    served = [font for font in fonts if font["familyName"] == SERVED_FONT]
    assert served and all(font["isCustomFont"] for font in served), fonts
    assert others <= len(BANGLA_CHARACTER.sub("", shown)), fonts
