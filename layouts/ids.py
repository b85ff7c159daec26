"""The component ids of the explorer, named once, one class per view.

Layouts, callbacks, the benchmark and the tests import these constants; no id is typed
as a string literal anywhere else (webviz-subsurface's `ViewIds`). A `*_TYPE` constant is
the `type` of a pattern-matching id, `{"type": ..., "scale": ..., "code": ...}`.
"""

from __future__ import annotations


class PageIds:
    """The page frame: location, stores, header and the containers of the views."""

    URL = "url"
    # The explorer state (layouts/map_state.ViewState.to_data): its one owner.
    STATE = "state"
    # Derived from the state, never written otherwise: a load or back/forward's query
    # string, the map's view and the permalink (one attribute, layouts/views_holder.py),
    # and the parts of the state that each drawing follows (a view store changes only
    # when its part does).
    NAVIGATION = "navigation"
    VIEWS = "views"
    SELECTED_VIEW = "selected-view"
    FIGURES_VIEW = "figures-view"
    PINNED_VIEW = "pinned-view"
    OVERLAYS_VIEW = "overlays-view"
    PRINT_NOTICE = "print-notice"
    HEADER_PARTNER = "header-partner"
    DEMO_BANNER = "demo-banner"
    LOGOUT = "logout-link"
    LOGOUT_FORM = "logout-form"
    ADMIN_LINK = "admin-link"
    PASSWORD_LINK = "password-link"
    PANEL = "panel"
    COMPARE = "compare"
    # The views (layouts/views.py): the explorer's container, the other views' container
    # and the header's links to them.
    EXPLORER = "explorer-view"
    VIEW = "view-content"
    VIEW_PATH = "view-path"  # the path of a view other than the explorer, once loaded
    VIEW_NAV = "view-nav"
    VIEW_LINK = "view-link"
    BENCH_NOOP = "bench-noop"
    BENCH_NOOP_SINK = "bench-noop-sink"


class ControlIds:
    """The bar above the map."""

    BAR = "controls"
    SCALE = "scale-select"
    THEME = "theme-select"
    INDICATOR = "indicator-select"
    YEAR = "year-select"
    CLASSES = "classing-select"
    LAYERS = "layers-select"
    SEARCH = "search-input"
    # why a permalink's indicator was replaced (an id renamed since), when it was
    NOTICE = "permalink-notice"


class MapIds:
    """The map, its layers and its legend."""

    MAP = "map"
    ZONES = "map-zones"
    # the area whose zones the zone layer holds, {west, south, east, north, zoom, scale}
    ZONE_AREA = "map-zone-area"
    # the zone scale the map shows (None: residences): set by assets/atlas_map_viewport.js
    # only when it changes
    ZONE_SCALE = "map-zone-scale"
    # says why no zone is drawn when the view holds more than the budget
    ZONE_NOTICE = "map-zone-notice"
    # the area whose outlines the outline overlays hold, {west, south, east, north, zoom}
    OUTLINE_AREA = "map-outline-area"
    # says which outline overlay is not drawn (too many zones in the view)
    OUTLINE_NOTICE = "map-outline-notice"
    # the zones' hideout, set on the drawn paths in place (assets/atlas_map.js restyleZones)
    ZONE_STYLE = "map-zone-style"
    RESIDENCES = "map-residences"
    OVERLAYS = "map-overlays"
    OVERLAY_PREFIX = "map-overlay-"  # + the overlay's name
    SELECTION = "map-selection"
    CLICKED = "map-clicked"  # the zone or residence last clicked, {"scale", "code"}
    LEGEND = "legend"
    AREA_FINDER_LINK = "map-area-finder-link"  # the finder on the map's visible area
    # the area whose residences the residence layer holds, {west, south, east, north, zoom}
    RESIDENCE_AREA = "map-residence-area"
    # whether the map shows residences: set by assets/atlas_views.js only when it flips
    RESIDENCE_SCALE = "map-residence-scale"


class PanelIds:
    """The panel of the selected zone or residence (pattern-matching types)."""

    SELECT_LINK_TYPE = "panel-select"
    PIN_BUTTON_TYPE = "panel-pin"
    PIN_MESSAGE_TYPE = "panel-pin-message"
    RESIDENCE_FILTER_TYPE = "panel-residence-filter"
    RESIDENCE_LIST_TYPE = "panel-residence-list"
    RANKING_MORE_TYPE = "panel-ranking-more"
    RANKING_TABLE_TYPE = "panel-ranking-table"
    INDICATOR_PART_TYPE = "panel-indicator-part"
    FILE_PIN_TYPE = "panel-file-pin"  # adds the residence to the user's commission file
    FILE_PIN_MESSAGE_TYPE = "panel-file-pin-message"
    # a chart of the sheet drawn in the browser when it comes into view (its figure in
    # the placeholder's `data-graph`: assets/atlas_lazy_charts.js)
    LAZY_CHART_TYPE = "panel-lazy-chart"
    # the parts of a zone's sheet that a new year redraws besides its indicator part
    # ({"type", "scale", "code", "name"}): its export links, its diagnosis and profile
    YEAR_PART_TYPE = "panel-year-part"


class CompareIds:
    """The comparison of pinned zones (pattern-matching type)."""

    UNPIN_BUTTON_TYPE = "compare-unpin"


class FinderIds:
    """The residence finder (layouts/finder.py) and its commission file form."""

    GRID = "finder-grid"
    QUICK = "finder-quick"
    COLUMNS = "finder-columns"
    PRESET_TYPE = "finder-preset"
    COUNT = "finder-count"
    STATE = "finder-state"  # the zone and map area of the permalink, read at load
    PERMALINK = "finder-permalink"
    PERMALINK_SINK = "finder-permalink-sink"
    EXPORT_CSV = "finder-export-csv"
    EXPORT_XLSX = "finder-export-xlsx"
    # what the clientside callbacks write (nothing): they act on the grid or the page
    QUICK_SINK = "finder-quick-sink"
    COLUMNS_SINK = "finder-columns-sink"
    FILE_TITLE = "finder-file-title"
    FILE_DATE = "finder-file-date"
    FILE_CREATE = "finder-file-create"
    FILE_MESSAGE = "finder-file-message"


class CompactIds:
    """The menus that fold the controls on small screens, the layers and the legend
    (layouts/compact.py, assets/compact.js)."""

    MENU_BUTTON = "controls-menu-button"
    LAYERS_BUTTON = "layers-menu-button"
    LAYERS_MENU = "layers-menu"
    LEGEND_BUTTON = "legend-fold-button"
    CLASSES_CONTROL = "classing-control"  # hidden for a categorical indicator


class AccessIds:
    """Accessibility aids of the explorer (layouts/accessibility.py, layouts/map_table.py):
    skip links' targets, the live region, the map's table equivalent, the definitions."""

    SKIP_LINKS = "skip-links"
    LIVE = "selection-live"  # announces the selected zone to screen readers
    TABLE_TOGGLE = "map-table-toggle"
    TABLE = "map-table"  # drawn in the browser from TABLE_DATA (assets/accessibility.js)
    TABLE_DATA = "map-table-data"
    # the view the open table shows, set in the browser only while the table is open
    TABLE_VIEW = "map-table-view"
    PICKER_DEFINITION = "indicator-definition"
    PICKER_DEFINITION_TEXT = "indicator-definition-text"


class PresentationIds:
    """The tools beside the view (presentation, link, territory, saving the view) and the
    frame of the presentation mode (layouts/presentation.py)."""

    TOOLS = "view-tools"
    TOGGLE = "presentation-toggle"
    COPY_LINK = "copy-link"
    COPY_STATUS = "copy-link-status"
    TERRITORY = "territory-button"
    SAVE_NAME = "save-view-name"
    SAVE_SHARED = "save-view-shared"
    SAVE = "save-view"
    SAVE_MESSAGE = "save-view-message"
    CAPTION = "presentation-caption"
    FOOTER = "presentation-footer"
    SOURCE = "presentation-source"
    TOUR = "presentation-tour"
    TOUR_POSITION = "presentation-tour-position"  # [tour id, step] of the URL, or None
    TOUR_PREVIOUS = "tour-previous"
    TOUR_NEXT = "tour-next"
    EXIT = "presentation-exit"
    # the view the caption names, set in the browser only in presentation mode
    CAPTION_VIEW = "presentation-caption-view"


class SavedViewIds:
    """The view "Mes vues" (layouts/saved_views.py): the lists and the tour form."""

    LIST = "saved-views-list"
    DELETE_VIEW_TYPE = "saved-view-delete"
    DELETE_TOUR_TYPE = "tour-delete"
    TOUR_NAME = "tour-name"
    TOUR_VIEWS = "tour-views"
    TOUR_CAPTIONS = "tour-captions"
    TOUR_SHARED = "tour-shared"
    TOUR_CREATE = "tour-create"
    MESSAGE = "saved-views-message"
