"""xinzhi (新质): measure, diagnose and steer the new quality productive forces of China's counties."""

from xinzhi.errors import XinzhiError

__version__ = "0.1.0"
__all__ = ["XinzhiError", "__version__"]
