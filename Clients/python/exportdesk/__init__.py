"""ExportDesk client: `Client.connect(socket_path)` or `Client.spawn()`, then `client.call(...)` or `client.companies.list(...)`."""
from . import errors
from .client import Client, Subscription
from .errors import ExportDeskError, TransportError

__all__ = ["Client", "Subscription", "ExportDeskError", "TransportError", "errors"]
__version__ = "0.1.0"
