"""xuncha：巡察整改数据工具。"""

__version__ = "0.1.0"
