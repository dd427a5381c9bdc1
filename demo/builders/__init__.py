"""Turn the generated demo (``demo.profiles``) into data, through the services wherever they exist."""
