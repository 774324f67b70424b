"""Exceptions for JSON-RPC errors, one class per ExportDesk error reason (SPEC §2)."""
from typing import Any, Dict, List, Optional


class ExportDeskError(Exception):
    """An error answer from the server: code, message, and the data object (always with a reason)."""

    reason = ""

    def __init__(self, code: int, message: str, data: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message
        self.data: Dict[str, Any] = data or {}


class ParseError(ExportDeskError): reason = "PARSE_ERROR"
class InvalidRequest(ExportDeskError): reason = "INVALID_REQUEST"
class MethodNotFound(ExportDeskError): reason = "METHOD_NOT_FOUND"
class Internal(ExportDeskError): reason = "INTERNAL"
class RequestCancelled(ExportDeskError): reason = "REQUEST_CANCELLED"
class Unauthenticated(ExportDeskError): reason = "UNAUTHENTICATED"
class Forbidden(ExportDeskError): reason = "FORBIDDEN"
class Overloaded(ExportDeskError): reason = "OVERLOADED"
class ShuttingDown(ExportDeskError): reason = "SHUTTING_DOWN"
class StorageUnavailable(ExportDeskError): reason = "STORAGE_UNAVAILABLE"
class InvalidTransition(ExportDeskError): reason = "INVALID_TRANSITION"
class CapacityExceeded(ExportDeskError): reason = "CAPACITY_EXCEEDED"
class RuleViolation(ExportDeskError): reason = "RULE_VIOLATION"
class HasDependents(ExportDeskError): reason = "HAS_DEPENDENTS"


class InvalidParams(ExportDeskError):
    reason = "INVALID_PARAMS"

    @property
    def errors(self) -> List[Dict[str, str]]:
        """Every violation: {instancePath, keyword, message}."""
        return list(self.data.get("errors", []))


class NotFound(ExportDeskError):
    reason = "NOT_FOUND"

    @property
    def entity(self) -> Optional[str]:
        return self.data.get("entity")

    @property
    def id(self) -> Optional[str]:
        return self.data.get("id")


class VersionConflict(ExportDeskError):
    reason = "VERSION_CONFLICT"

    @property
    def current_version(self) -> Optional[int]:
        return self.data.get("currentVersion")


class Duplicate(ExportDeskError):
    reason = "DUPLICATE"

    @property
    def field(self) -> Optional[str]:
        return self.data.get("field")

    @property
    def existing_id(self) -> Optional[str]:
        return self.data.get("existingId")


class TransportError(Exception):
    """No answer: the connection failed or closed, or the call timed out."""


_BY_REASON = {cls.reason: cls for cls in ExportDeskError.__subclasses__() if cls.reason}


def from_wire(error: Dict[str, Any]) -> ExportDeskError:
    """Builds the exception for a JSON-RPC error object."""
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    cls = _BY_REASON.get(data.get("reason", ""), ExportDeskError)
    return cls(int(error.get("code", 0)), str(error.get("message", "")), data)
