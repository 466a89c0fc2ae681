#ifndef USER_CONSTS_H
#define USER_CONSTS_H

/* Constants a CEnumType maps its names to. */
#define USER_TEN 10
#define USER_THOUSAND 1000

#endif
