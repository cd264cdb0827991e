"""The colours and shapes every page shares: the report's charts and the graph page say the same thing the same way."""

from __future__ import annotations

#: One colour per evidence basis, shared by the report's charts and the graph page.
BASIS_COLOURS = {
    "peer-reviewed": "#2e7d32", "grey-literature": "#7cb342", "expert-opinion": "#7e57c2",
    "vague-attribution": "#f9a825", "authority": "#ef6c00", "tradition": "#8d6e63", "anecdote": "#c62828",
    "unsupported": "#9e9e9e",
}
#: One colour per certainty level (GRADE), from dark green (high) to grey (none): what a reader sees first.
CERTAINTY_COLOURS = {
    "high": "#1b5e20", "moderate": "#43a047", "low": "#f9a825", "very-low": "#e65100", "none": "#9e9e9e",
}
#: Sources on the graph page: peer-reviewed or not, unidentified, added by the curators.
SOURCE_COLOURS = {"yes": "#2e7d32", "no": "#7cb342", "unclear": "#7cb342", "unknown": "#9e9e9e"}
SOURCE_LEGEND = {"peer-reviewed source": "#2e7d32", "other identified source": "#7cb342",
                 "unidentified or no work named": "#9e9e9e", "added by the curators (dashed)": "#1565c0"}
CURATOR_COLOUR = "#1565c0"
CONCEPT_COLOUR = "#6e7781"
#: Articles are near-black boxes, far from the curators' blue and from every source and claim colour.
ARTICLE_COLOUR = "#24292f"
#: The kinds of node on the graph page, in the order its filters list them, and the shape of each.
KINDS = ("article", "claim", "source", "intervention", "mechanism", "structure", "condition")
SHAPES = {"article": "box", "claim": "dot", "source": "square", "intervention": "diamond",
          "mechanism": "triangle", "structure": "hexagon", "condition": "star"}

#: How the view and the report mark a draft article or appearance (the trace says the same).
DRAFT = "draft, not reviewed: never counted in the verdict"
