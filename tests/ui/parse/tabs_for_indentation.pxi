	vm tabs {
		cores	=	2
	}
