"""The HTML side: one blueprint package per business area, plus shared helpers."""
