# placeholder - lead replaces this
