"""Experimental and legacy modules kept for compatibility with Aesara 2.9.

Import the submodules directly (``aesara.sandbox.rng_mrg``...); importing the
package loads none of them.
"""
