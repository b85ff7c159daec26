"""The views users keep ("Mes vues") and the tours made of them ("Parcours"), in the auth
database: save, list, read, delete.

Every function takes the user's id (and convention id) from the session, never from the
request body. A user sees their own views and tours, and those the other users of the
same convention shared; only the author deletes. The query string of a view is checked
by the caller (the explorer's state parser) before it comes here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from auth.models import SavedView, Tour, TourStep, User

MAX_NAME_LENGTH = 120
MAX_CAPTION_LENGTH = 300
MAX_VIEWS_PER_USER = 200
MAX_TOUR_STEPS = 30


class InvalidField(ValueError):
    """A field of the form is not acceptable; the message says why, in French."""


def _an_id(value: object) -> int | None:
    """A row id as the browser sent it: an int (not a bool), or nothing."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _name(raw: object, what: str) -> str:
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not name:
        raise InvalidField(f"Donnez un nom {what}.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidField(f"Le nom ne doit pas dépasser {MAX_NAME_LENGTH} caractères.")
    return name


def save_view(session: Session, user_id: int, name: object, query: str, shared: bool) -> SavedView:
    """A new view of `user_id`; written when the caller's transaction commits."""
    clean = _name(name, "à la vue")
    owned = session.scalars(select(SavedView.id).where(SavedView.user_id == user_id)).all()
    if len(owned) >= MAX_VIEWS_PER_USER:
        raise InvalidField(
            f"Vous avez déjà {MAX_VIEWS_PER_USER} vues : supprimez-en avant d'en ajouter."
        )
    record = SavedView(user_id=user_id, name=clean, query=query, shared=bool(shared))
    session.add(record)
    session.flush()
    return record


def _visible(model: type[SavedView] | type[Tour], user_id: int, convention_id: int):
    """The rows of `model` the user may see: theirs, and those shared in their convention."""
    return (
        select(model)
        .join(User, User.id == model.user_id)
        .where(
            or_(
                model.user_id == user_id,
                (model.shared.is_(True)) & (User.convention_id == convention_id),
            )
        )
    )


def views_of(session: Session, user_id: int, convention_id: int) -> list[SavedView]:
    """The user's views and those shared in their convention, the latest first."""
    statement = _visible(SavedView, user_id, convention_id).order_by(
        SavedView.created_at.desc(), SavedView.id.desc()
    )
    return list(session.scalars(statement))


def view_of(
    session: Session, user_id: int, convention_id: int, view_id: object
) -> SavedView | None:
    """One view the user may see; None for another's unshared view, another convention's
    view or an unknown id."""
    key = _an_id(view_id)
    if key is None:
        return None
    statement = _visible(SavedView, user_id, convention_id).where(SavedView.id == key)
    return session.scalars(statement).first()


def tours_of(session: Session, user_id: int, convention_id: int) -> list[Tour]:
    """The user's tours and those shared in their convention, the latest first."""
    statement = _visible(Tour, user_id, convention_id).order_by(
        Tour.created_at.desc(), Tour.id.desc()
    )
    return list(session.scalars(statement))


def tour_of(session: Session, user_id: int, convention_id: int, tour_id: object) -> Tour | None:
    """One tour the user may see, None otherwise (as `view_of`)."""
    key = _an_id(tour_id)
    if key is None:
        return None
    statement = _visible(Tour, user_id, convention_id).where(Tour.id == key)
    return session.scalars(statement).first()


def create_tour(
    session: Session,
    user_id: int,
    convention_id: int,
    name: object,
    view_ids: Sequence[object],
    captions: Sequence[str],
    shared: bool,
) -> Tour:
    """A tour of the views `view_ids` (each one the user may see) in that order, the i-th
    caption under the i-th view (a missing caption is empty)."""
    clean = _name(name, "au parcours")
    views = [view_of(session, user_id, convention_id, view_id) for view_id in view_ids]
    if not views:
        raise InvalidField("Choisissez au moins une vue pour le parcours.")
    if any(view is None for view in views):
        raise InvalidField("Une des vues choisies n'existe plus ou ne vous est pas accessible.")
    if len(views) > MAX_TOUR_STEPS:
        raise InvalidField(f"Un parcours compte au plus {MAX_TOUR_STEPS} vues.")
    for caption in captions:
        if len(caption) > MAX_CAPTION_LENGTH:
            raise InvalidField(f"Une légende ne doit pas dépasser {MAX_CAPTION_LENGTH} caractères.")
    steps = [
        TourStep(
            position=position,
            name=view.name,
            caption=" ".join(captions[position].split()) if position < len(captions) else "",
            query=view.query,
        )
        for position, view in enumerate(views)
        if view is not None
    ]
    record = Tour(user_id=user_id, name=clean, shared=bool(shared), steps=steps)
    session.add(record)
    session.flush()
    return record


def _delete_own(
    session: Session, model: type[SavedView] | type[Tour], user_id: int, row_id: object
) -> bool:
    key = _an_id(row_id)
    record = session.get(model, key) if key is not None else None
    if record is None or record.user_id != user_id:
        return False
    session.delete(record)
    return True


def delete_view(session: Session, user_id: int, view_id: object) -> bool:
    """Delete one of the user's own views; False for anything else (tours keep their copy)."""
    return _delete_own(session, SavedView, user_id, view_id)


def delete_tour(session: Session, user_id: int, tour_id: object) -> bool:
    """Delete one of the user's own tours; False for anything else."""
    return _delete_own(session, Tour, user_id, tour_id)
