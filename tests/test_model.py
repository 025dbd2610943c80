"""The answers model is the one source of every question's wording, help and choices."""

from __future__ import annotations

import inspect
from enum import StrEnum

from pydantic import BaseModel

from assembler import model


def _models() -> list[type[BaseModel]]:
    return [
        cls
        for _, cls in inspect.getmembers(model, inspect.isclass)
        if issubclass(cls, BaseModel) and cls.__module__ == model.__name__ and cls is not model.Strict
    ]


def test_every_question_has_help() -> None:
    missing = [
        f"{cls.__name__}.{name}"
        for cls in _models()
        for name, info in cls.model_fields.items()
        if info.title and not (info.description or "").strip()
    ]
    assert missing == []


def test_every_choice_has_a_label() -> None:
    enums = [
        cls
        for _, cls in inspect.getmembers(model, inspect.isclass)
        if issubclass(cls, StrEnum) and cls.__module__ == model.__name__
    ]
    assert enums
    missing = [f"{e.__name__}.{m.name}" for e in enums for m in e if m not in model.CHOICE_HELP]
    assert missing == []
    assert model.label(model.LegalForm.CJV) != model.label(model.DocumentKind.CJV)


def test_form_defaults_name_real_answers() -> None:
    for defaults in model.FORM_DEFAULTS.values():
        for path in defaults:
            node: type[BaseModel] = model.Answers
            for part in path[:-1]:
                annotation = node.model_fields[part].annotation
                assert isinstance(annotation, type) and issubclass(annotation, BaseModel), path
                node = annotation
            assert path[-1] in node.model_fields, path
    assert model.default_for_form(("documents", "cjv", "produce"), "mou_only", True) is False
    assert model.default_for_form(("documents", "cjv", "produce"), "cjv", True) is True
    assert model.default_for_form(("documents", "cjv", "produce"), None, True) is True
