"""One line, not a stack trace, for the failures the project raises on purpose.

A run that stops for a reason the user can act on (e.g. "nothing is published yet ...: materialise
every asset first") raises a ``dg.Failure`` from dagster_project with that sentence. Dagster's console
logger would print it under two Python stack traces, in the dagster CLI (`dagster asset materialize`)
as in `totalplace build`. Dagster builds that logger from ``logging.getLoggerClass()``
(dagster._utils.log.create_console_logger), so this module installs a Logger class that prints such a
message as its first line and the project's sentence, and leaves every other message, including any
other error with its stack trace, exactly as it was. The Dagster UI shows the full event either way.
"""

import logging
import re

OWN_FAILURE = re.compile(
    r"^dagster_project\.[\w.]+: (?P<line>.+)$|^dagster\._core\.definitions\.events\.Failure: "
    r"(?P<failure>.+)$",
    re.MULTILINE,
)


def one_line(message: str) -> str:
    """``message`` with a project failure's stack trace cut to its one line (other messages unchanged)."""
    if "Stack Trace:" not in message:
        return message
    found = OWN_FAILURE.search(message)
    if not found:
        return message
    head = message.split("\n", 1)[0].rstrip().rstrip(":")
    return f"{head}: {found.group('line') or found.group('failure')}"


class OneLineLogger(logging.Logger):
    def makeRecord(self, name, level, fn, lno, msg, args, exc_info, func=None, extra=None, sinfo=None):
        if isinstance(msg, str):
            msg = one_line(msg)
        return super().makeRecord(name, level, fn, lno, msg, args, exc_info, func, extra, sinfo)


def install() -> None:
    """Make new loggers OneLineLoggers, unless some other code installed its own class first."""
    if logging.getLoggerClass() is logging.Logger:
        logging.setLoggerClass(OneLineLogger)
